// Traceability through the gateway: a receipt's proof fetched by whoever holds the receipt and
// verified with the SDK alone against the roots anchored on chain (first, middle and last batch),
// and the citizen's live stream of accesses to their data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet } from "ethers";
import type { FastifyInstance } from "fastify";
import { createImiClient } from "@imi-ledger/sdk";
import { signIdentityProof } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { Anchorer, createAnchorTarget } from "../../../node/accesslog/index.js";
import { code, grantConsent, registerCitizen } from "../indexer/helpers.js";
import { createHarness, localKeyOf, type Harness } from "./harness.js";

const P = code("social-benefits");
const ADDRESS = 1n << 2n;
type Receipt = { seq: number; recordHash: string };

describe("gateway: receipts, proofs and the citizen's live tracker", () => {
  let h: Harness;
  let app: FastifyInstance;
  let url: string;
  let agencyToken: string;
  let citizen: string;

  beforeAll(async () => {
    h = await createHarness();
    const { f } = h;
    citizen = await registerCitizen(f, f.accounts.others[0]);
    await h.vault.put(citizen, { address: { district: "Haidian" } });
    await grantConsent(f, f.accounts.others[0], { citizen, agency: f.accounts.agency.address, scopes: ADDRESS, purpose: P });
    // The gateway account anchors its own log.
    await (await f.contracts.accessManager.connect(f.accounts.governor).grantRole(5n, h.gatewayAccount.address, 0)).wait();
    await h.indexer.sync();
    app = await h.app();
    url = await app.listen({ host: "127.0.0.1", port: 0 });
    agencyToken = await h.login(app, h.keys.agency);
  });
  afterAll(async () => h?.close());

  async function access(): Promise<Receipt> {
    const res = await h.withSession(app, agencyToken, "/v1/access/data", { citizen, scopes: String(ADDRESS), purpose: P });
    expect(res.statusCode).toBe(200);
    return res.json().receipt as Receipt;
  }
  const receiptUrl = (r: Receipt, hash = r.recordHash) => `/v1/receipts/${r.seq}?recordHash=${hash}`;

  it("gives the proof only to a holder of the receipt, and proves it against the chain with the SDK alone", async () => {
    const first = await access();
    const waiting = await app.inject({ method: "GET", url: receiptUrl(first) });
    expect(waiting.statusCode).toBe(202);
    expect(waiting.json()).toMatchObject({ status: "unbatched", record: { seq: first.seq, recordHash: first.recordHash } });
    const guessed = await app.inject({ method: "GET", url: receiptUrl(first, "0x" + "00".repeat(32)) });
    expect(guessed.statusCode).toBe(404);
    expect(guessed.json().code).toBe("NOT_FOUND");
    expect((await app.inject({ method: "GET", url: `/v1/receipts/0?recordHash=${first.recordHash}` })).json().code).toBe("INVALID_REQUEST");

    // Three batches of one or more records each, anchored by the gateway's key.
    const signer = new Wallet(h.gatewayAccount.exportPrivateKey(), h.f.ethers.provider);
    const target = createAnchorTarget({ runner: signer, accessLogAddress: h.deployment.contracts.accessLog, gateway: h.gatewayAccount.address });
    const anchorer = new Anchorer(h.accessLog, target, { maxRecords: 2, intervalMs: 1_000_000 });
    await anchorer.kick();
    const middle = await access();
    await access();
    await anchorer.kick();
    const last = await access();
    await anchorer.kick();
    await anchorer.stop();

    const client = createImiClient({ rpc: h.f.connection.provider, deployment: h.deployment });
    const seen = new Set<number>();
    for (const receipt of [first, middle, last]) {
      const res = await app.inject({ method: "GET", url: receiptUrl(receipt) });
      expect(res.statusCode).toBe(200);
      const proof = res.json();
      expect(proof.batch.status).toBe("anchored");
      const verdict = await client.accessLog.verifyProof({ proof });
      expect(verdict).toMatchObject({ valid: true });
      seen.add(Number((verdict as { batchIndex: bigint }).batchIndex));
      // The same proof for an altered record does not verify.
      const altered = { ...proof, record: { ...proof.record, decision: "denied" } };
      expect(await client.accessLog.verifyProof({ proof: altered })).toMatchObject({ valid: false });
    }
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });

  async function citizenToken(on: FastifyInstance = app): Promise<string> {
    const challenge = (await on.inject({ method: "POST", url: "/v1/auth/challenge" })).json();
    const citizenKey = localKeyOf(h.f.accounts.others[0].address);
    const login = await on.inject({
      method: "POST",
      url: "/v1/auth/citizen-login",
      payload: signIdentityProof(citizenKey, { chainId: h.f.chainId, citizen: citizen as Hex, audience: challenge.audience, challenge: challenge.challenge, issuedAt: Math.floor(h.now() / 1000) }),
    });
    return login.json().token as string;
  }

  it("shows the citizen each access with its proof status; a statutory access only after the disclosure delay", async () => {
    const { f } = h;
    const now = await f.now();
    const receipt = await (
      await f.contracts.consentRegistry
        .connect(f.accounts.governor)
        .grantStatutory(citizen, f.accounts.agency.address, ADDRESS, code("investigation"), code("criminal-procedure-12"), now - 10, now + 86400)
    ).wait();
    const grantId = f.contracts.consentRegistry.interface.parseLog(receipt.logs[0])!.args.grantId as string;
    await h.indexer.sync();
    const covert = await h.app({ statutoryDisclosureDelaySeconds: 3600 });
    const covertAgency = await h.login(covert, h.keys.agency);
    const res = await h.withSession(covert, covertAgency, "/v1/access/data", { citizen, scopes: String(ADDRESS), purpose: code("investigation"), grantId });
    expect(res.statusCode).toBe(200);
    expect(res.json().basis).toBe("statutory");
    const seq = res.json().receipt.seq as number;

    const list = async (on: FastifyInstance) =>
      (await on.inject({ method: "GET", url: "/v1/citizen/accesses?limit=1000", headers: { authorization: `Bearer ${await citizenToken(on)}` } })).json().records as Array<Record<string, unknown>>;
    expect((await list(covert)).some((r) => r.seq === seq)).toBe(false);
    const shown = (await list(app)).find((r) => r.seq === seq)!;
    expect(shown).toMatchObject({ basis: "statutory", legalBasis: code("criminal-procedure-12"), proof: { status: "unbatched" } });
    expect((await list(app)).find((r) => r.seq === 1)).toMatchObject({ proof: { status: "anchored", batch: 0 } });
    // Auditors see it at once, even where citizens must wait.
    const auditorToken = await h.login(covert, h.keys.auditor);
    const audit = await covert.inject({ method: "GET", url: `/v1/audit/accesses?citizen=${citizen}&limit=1000`, headers: { authorization: `Bearer ${auditorToken}` } });
    expect((audit.json().records as Array<{ seq: number }>).some((r) => r.seq === seq)).toBe(true);
  });

  it("streams each access to the citizen's data the moment it is logged", async () => {
    const token = await citizenToken();
    const controller = new AbortController();
    const stream = await fetch(`${url}/v1/citizen/accesses/stream`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const receipt = await access();
    while (!text.includes(`id: ${receipt.seq}\n`)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    const event = text.split("\n\n").find((e) => e.includes(`id: ${receipt.seq}\n`))!;
    expect(event).toContain("event: access");
    const data = JSON.parse(event.split("\n").find((l) => l.startsWith("data: "))!.slice(6));
    expect(data).toMatchObject({ seq: receipt.seq, recordHash: receipt.recordHash, decision: "allowed", citizen: citizen.toLowerCase() });
    controller.abort();

    // Staff tokens cannot open a citizen's stream.
    const staff = await fetch(`${url}/v1/citizen/accesses/stream`, { headers: { authorization: `Bearer ${agencyToken}` } });
    expect(staff.status).toBe(403);
    expect((await staff.json()).code).toBe("WRONG_ROLE");
  });
});
