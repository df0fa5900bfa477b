// An agency's signed call through a minimal stand-in gateway that uses the SDK's verifier, as
// the real gateway will: headers → verifyAgencyRequest → consent check on chain.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  GatewayError,
  createImiClient,
  purposeCode,
  readAgencyRequestHeaders,
  verifyAgencyRequest,
  type Hex,
} from "@imi-ledger/sdk";
import { freePort } from "../helpers/hardhatNode.js";
import { caught, sdkFixture, type SdkFixture } from "./fixture.js";

let fx: SdkFixture;
let server: Server;
let gatewayUrl: string;
const seenNonces = new Set<string>();
/** The stand-in gateway's account: requests are signed for it (the client asks GET /v1/deployment). */
const STANDIN = "0x00000000000000000000000000000000000a11ce" as Hex;

beforeAll(async () => {
  fx = await sdkFixture();
  server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const reply = (status: number, json: object) => {
      res.statusCode = status;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(json));
    };
    if (req.method === "GET" && req.url === "/v1/deployment") return reply(200, { gateway: STANDIN });
    const signed = readAgencyRequestHeaders(req.headers);
    if (!signed) return reply(401, { code: "UNSIGNED" });
    const verified = verifyAgencyRequest({ chainId: fx.deployment.chainId, gateway: STANDIN, signed, method: req.method!, path: req.url!, body, now: await fx.now() });
    if (!verified.valid) return reply(401, { code: verified.reason });
    if (seenNonces.has(verified.message.nonce)) return reply(401, { code: "REPLAY" });
    seenNonces.add(verified.message.nonce);
    const decision = await fx.clients.reader.consent.check({
      agency: verified.agency,
      citizen: verified.message.citizen,
      scopes: verified.message.scopes,
      purpose: verified.message.purpose,
    });
    if (!decision.allowed) return reply(403, { code: "ACCESS_DENIED", decision: decision.decision });
    reply(200, { decision: decision.decision, requestHash: verified.requestHash, echo: JSON.parse(body || "null") });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  gatewayUrl = `http://127.0.0.1:${port}/`;
});
afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe("gateway requests", () => {
  test("an agency with consent is served; without it, GATEWAY 403 with the gateway's code", async () => {
    const { citizen, client } = await fx.registerCitizen();
    const purpose = purposeCode("social-benefits");
    const agency = createImiClient({ rpc: fx.rpc, deployment: fx.deployment, account: fx.accountOf(fx.accounts.agency), gateway: gatewayUrl });
    const call = { method: "POST" as const, path: "/v1/records/query?x=1", body: { fields: ["address"] }, citizen, scopes: 2n, purpose };

    const denied = await caught(() => agency.gateway.request(call));
    expect(denied).toBeInstanceOf(GatewayError);
    expect(denied).toMatchObject({ code: "GATEWAY", status: 403, gatewayCode: "ACCESS_DENIED" });

    await client.consent.grant({
      request: { citizen, agency: agency.account!.address, scopes: 2n, purpose, validFrom: 0, validUntil: (await fx.now()) + 3600 },
    });
    const served = await agency.gateway.request<{ decision: string; echo: unknown }>(call);
    expect(served).toMatchObject({ status: 200, body: { decision: "Allowed", echo: { fields: ["address"] } } });
  });

  test("without a gateway URL the call fails before signing", async () => {
    const agency = fx.clientFor(fx.accounts.agency);
    const error = await caught(() =>
      agency.gateway.request({ method: "GET", path: "/v1/x", citizen: `0x${"1".repeat(64)}` as Hex, scopes: 1n, purpose: purposeCode("x") }),
    );
    expect(error.code).toBe("GATEWAY_REQUIRED");
  });
});
