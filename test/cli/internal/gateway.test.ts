// The CLI's gateway calls are a thin adapter over the SDK's gateway client: same function names
// for the commands, the SDK's wire format, retries and errors underneath, refusals as CliError.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import type { Hex } from "@imi-ledger/sdk";
import { GatewayRefused, citizenLogin, gatewayAccount, gatewayChallenge, gatewayJson, staffLogin } from "../../../cli/internal/gateway.js";
import { CliError, EXIT } from "../../../cli/CliError.js";
import { code, registerCitizen } from "../../node/indexer/helpers.js";
import { createHarness, localKeyOf, type Harness } from "../../node/gateway/harness.js";

describe("cli/internal/gateway over the SDK's gateway client", () => {
  let h: Harness;
  let app: FastifyInstance;
  let url: string;
  let citizen: Hex;

  beforeAll(async () => {
    h = await createHarness();
    citizen = (await registerCitizen(h.f, h.f.accounts.others[4])) as Hex;
    await h.indexer.sync();
    app = await h.app();
    url = await app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => h?.close());

  it("logs staff and citizens in, and reads the challenge and the gateway's account", async () => {
    const challenge = await gatewayChallenge(url);
    expect(challenge.gateway).toBe(h.gatewayAccount.address);
    expect(await gatewayAccount(url)).toBe(h.gatewayAccount.address);
    const token = await staffLogin(url, Number(h.f.chainId), h.keys.auditor);
    const { records } = await gatewayJson<{ records: unknown[] }>(url, `/v1/audit/accesses?citizen=${citizen}`, { token });
    expect(records).toEqual([]);
    const session = await citizenLogin(url, Number(h.f.chainId), localKeyOf(h.f.accounts.others[4].address), citizen);
    expect(session).toMatchObject({ asGuardian: false, level: 2 });
    expect(await gatewayJson(url, "/v1/citizen/consents", { token: session.token })).toMatchObject({ citizen: citizen.toLowerCase() });
  });

  it("a refusal is GatewayRefused with the gateway's code, words and logged receipt; an absent gateway is GATEWAY_UNREACHABLE", async () => {
    const token = await staffLogin(url, Number(h.f.chainId), h.keys.agency);
    const refused = await gatewayJson(url, "/v1/access/data", {
      token,
      headers: { "x-imi-nonce": `0x${"ab".repeat(32)}`, "x-imi-issued-at": String(Math.floor(h.now() / 1000)) },
      body: { citizen, scopes: "4", purpose: code("social-benefits") },
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GatewayRefused);
    expect(refused).toMatchObject({ code: "UNKNOWN_GRANT", status: 403, exitCode: EXIT.failure, body: { code: "UNKNOWN_GRANT", receipt: { seq: expect.any(Number) } } });
    expect((refused as Error).message).toMatch(/logged as record #\d+/);
    const invalid = await gatewayJson(url, "/v1/citizen/accesses?limit=x", { token }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: "INVALID_REQUEST", status: 400 });
    const away = await gatewayJson("http://127.0.0.1:9", "/healthz").catch((e: unknown) => e);
    expect(away).toBeInstanceOf(CliError);
    expect(away).toMatchObject({ code: "GATEWAY_UNREACHABLE", exitCode: EXIT.unavailable });
  });
});
