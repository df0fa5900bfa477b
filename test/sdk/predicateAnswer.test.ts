// Regression: the SDK exported nothing that verifies a PredicateAnswer, and a proxy that flipped an
// answer and signed it again with its own key passed as "signed by the gateway". A real gateway on
// 127.0.0.1, a real proxy in front of it, the real chain behind both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import type { AddressInfo } from "node:net";
import { ZeroHash } from "ethers";
import { createImiClient, type ImiClient } from "../../sdk/clients/createImiClient.js";
import { verifyPredicateAnswer } from "../../sdk/actions/gateway/verifyPredicateAnswer.js";
import { PredicateAnswerError } from "../../sdk/errors/PredicateAnswerError.js";
import { InvalidInputError } from "../../sdk/errors/errors.js";
import { agencyRequestHeaders, agencyRequestTypedData, signAgencyRequest } from "../../sdk/gateway/agencyRequest.js";
import { predicateAnswerTypedData, predicateHash, type Predicate, type PredicateAnswer } from "../../sdk/gateway/predicateAnswer.js";
import { generatePrivateKey, privateKeyToAccount } from "../../sdk/keys/privateKeyToAccount.js";
import { hashTypedData } from "../../sdk/typedData/hashTypedData.js";
import type { Hex } from "../../sdk/types.js";
import { answerFlippingProxy, type FlippingProxy } from "../helpers/answerFlippingProxy.js";
import { code, grantConsent, registerCitizen, transportOf } from "../node/indexer/helpers.js";
import { createHarness, type Harness } from "../node/gateway/harness.js";

const P = code("social-benefits");
const ADDRESS = 1n << 2n;
type Answered = { result: boolean; answer: PredicateAnswer; signature: Hex; signer: string };

describe("verifyPredicateAnswer", () => {
  let h: Harness;
  let app: FastifyInstance;
  let gatewayUrl: string;
  let proxy: FlippingProxy;
  let client: ImiClient;
  let citizen: Hex;

  beforeAll(async () => {
    h = await createHarness();
    citizen = (await registerCitizen(h.f, h.f.accounts.others[0])) as Hex;
    await h.vault.put(citizen, { address: { district: "Haidian" } });
    await grantConsent(h.f, h.f.accounts.others[0], { citizen, agency: h.f.accounts.agency.address, scopes: ADDRESS, purpose: P });
    await h.indexer.sync();
    app = await h.app();
    await app.listen({ port: 0, host: "127.0.0.1" });
    gatewayUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    proxy = await answerFlippingProxy(gatewayUrl, Number(h.f.chainId));
    client = createImiClient({ rpc: transportOf(h.f), deployment: h.deployment });
  });
  afterAll(async () => {
    await proxy?.close();
    await h?.close();
  });

  /** The agency asks through `base` with a signed request; returns the answer and what identifies the request. */
  async function ask(base: string, predicate: Predicate) {
    const body = JSON.stringify({ citizen, scopes: String(ADDRESS), purpose: P, predicate });
    const signed = signAgencyRequest(h.keys.agency, {
      chainId: h.f.chainId,
      gateway: h.gatewayAccount.address,
      citizen,
      scopes: ADDRESS,
      purpose: P as Hex,
      grantId: ZeroHash as Hex,
      method: "POST",
      path: "/v1/access/predicate",
      body,
    });
    const res = await fetch(`${base}/v1/access/predicate`, { method: "POST", headers: { "content-type": "application/json", ...agencyRequestHeaders(signed) }, body });
    expect(res.status).toBe(200);
    const requestHash = hashTypedData(agencyRequestTypedData(h.f.chainId, signed.message));
    return { out: (await res.json()) as Answered, request: { requestHash, nonce: signed.message.nonce } };
  }

  const question = (predicate: Predicate) => ({ agency: h.keys.agency.address, citizen, predicate });
  const asked: Predicate = { type: "residentOf", district: "Haidian" };

  it("accepts the gateway's own answer: signer holds the gateway role, question, request and time match", async () => {
    const { out, request } = await ask(gatewayUrl, asked);
    const verified = await verifyPredicateAnswer(client, { answer: out.answer, signature: out.signature, question: question(asked), request });
    expect(verified).toMatchObject({ result: true, signer: h.gatewayAccount.address });
    expect(out.answer.requestHash).toBe(request.requestHash);
    // Also through the client, pinned to the gateway, by nonce only.
    await expect(client.gateway.verifyPredicateAnswer({ answer: out.answer, signature: out.signature, question: question(asked), request: { nonce: request.nonce }, gateway: h.gatewayAccount.address })).resolves.toMatchObject({ result: true });
  });

  it("refuses an answer a proxy flipped and signed again with its own key: ANSWER_SIGNER_NOT_GATEWAY", async () => {
    const { out, request } = await ask(proxy.url, asked);
    expect(proxy.flipped()).toBeGreaterThan(0);
    expect(out.result).toBe(false); // what the proxy wants the agency to believe
    const error = await verifyPredicateAnswer(client, { answer: out.answer, signature: out.signature, question: question(asked), request }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PredicateAnswerError);
    expect((error as PredicateAnswerError).code).toBe("ANSWER_SIGNER_NOT_GATEWAY");
  });

  it("refuses the genuine signature over a flipped result, and answers to another question, request or time", async () => {
    const { out, request } = await ask(gatewayUrl, asked);
    const codeOf = async (p: Partial<Parameters<typeof verifyPredicateAnswer>[1]>) =>
      verifyPredicateAnswer(client, { answer: out.answer, signature: out.signature, question: question(asked), request, ...p }).then(
        () => "VERIFIED",
        (e: { code?: string }) => e.code,
      );
    // Flipped but the gateway's signature kept: it no longer recovers to a gateway.
    expect(await codeOf({ answer: { ...out.answer, result: !out.answer.result } })).toBe("ANSWER_SIGNER_NOT_GATEWAY");
    expect(await codeOf({ question: question({ type: "residentOf", district: "Chaoyang" }) })).toBe("ANSWER_WRONG_QUESTION");
    expect(await codeOf({ question: { ...question(asked), citizen: code("someone else") as Hex } })).toBe("ANSWER_WRONG_QUESTION");
    expect(await codeOf({ question: { ...question(asked), agency: h.keys.agency2.address } })).toBe("ANSWER_WRONG_QUESTION");
    expect(await codeOf({ request: { requestHash: code("another request") as Hex } })).toBe("ANSWER_WRONG_REQUEST");
    expect(await codeOf({ request: { nonce: code("another nonce") as Hex } })).toBe("ANSWER_WRONG_REQUEST");
    expect(await codeOf({ now: Number(out.answer.issuedAt) + 301 })).toBe("ANSWER_STALE");
    expect(await codeOf({ now: Number(out.answer.issuedAt) - 61 })).toBe("ANSWER_STALE");
    expect(await codeOf({ gateway: h.keys.agency.address })).toBe("ANSWER_BAD_SIGNATURE");
    expect(await codeOf({ signature: "0x1234" as Hex })).toBe("ANSWER_BAD_SIGNATURE");
    expect(await codeOf({ answer: { ...out.answer, seq: "-1" } })).toBe("ANSWER_MALFORMED");
    // The predicate may be named by its hash.
    expect(await codeOf({ question: { ...question(asked), predicate: predicateHash(asked) } })).toBe("VERIFIED");
    await expect(verifyPredicateAnswer(client, { answer: out.answer, signature: out.signature, question: question(asked), request: {} })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("refuses an answer signed by a former gateway whose role was revoked", async () => {
    const former = privateKeyToAccount(generatePrivateKey());
    const { out, request } = await ask(gatewayUrl, asked);
    const signature = former.signTypedData(predicateAnswerTypedData(h.f.chainId, out.answer));
    await (await h.f.contracts.accessManager.connect(h.f.accounts.governor).grantRole(5n, former.address, 0)).wait();
    await expect(verifyPredicateAnswer(client, { answer: out.answer, signature, question: question(asked), request })).resolves.toMatchObject({ signer: former.address });
    await (await h.f.contracts.accessManager.connect(h.f.accounts.governor).revokeRole(5n, former.address)).wait();
    await expect(verifyPredicateAnswer(client, { answer: out.answer, signature, question: question(asked), request })).rejects.toMatchObject({ code: "ANSWER_SIGNER_NOT_GATEWAY" });
  });
});
