// Regression (issue 10, item 5): without a session the rate limit keyed on the client address, so
// once one agency spent its budget another agency behind the same proxy got 429; and the server
// kept idle and slowloris sockets open (1,900 of them stayed open for 15 s). Real sockets on
// 127.0.0.1 for the second part.
import { connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { agencyRequestHeaders, agencyRequestMessage, agencyRequestTypedData, signAgencyRequest } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { code, grantConsent, registerCitizen } from "../indexer/helpers.js";
import { createHarness, type Harness } from "./harness.js";

const P = code("social-benefits");
const ADDRESS = 1n << 2n;

const until = async (what: () => boolean, tries = 750) => {
  for (let i = 0; i < tries && !what(); i++) await new Promise((r) => setTimeout(r, 20));
  return what();
};

describe("gateway: rate limits per agency, and sockets that cannot be held open", () => {
  let h: Harness;
  let citizen: string;
  const body = () => ({ citizen, scopes: String(ADDRESS), purpose: P });

  beforeAll(async () => {
    h = await createHarness();
    citizen = await registerCitizen(h.f, h.f.accounts.others[5]);
    await h.vault.put(citizen, { address: { district: "Haidian" } });
    await grantConsent(h.f, h.f.accounts.others[5], { citizen, agency: h.f.accounts.agency.address, scopes: ADDRESS, purpose: P });
    await grantConsent(h.f, h.f.accounts.others[5], { citizen, agency: h.f.accounts.agency2.address, scopes: ADDRESS, purpose: P });
    await h.indexer.sync();
  });
  afterAll(async () => h?.close());

  it("keeps another agency's signed requests served behind the same address after one agency spent its budget", async () => {
    const app = await h.app({ rateLimitPerMinute: 3 });
    const first = [];
    for (let i = 0; i < 4; i++) first.push((await h.signed(app, h.keys.agency, "/v1/access/data", body())).statusCode);
    expect(first).toEqual([200, 200, 200, 429]);
    // Same client address (inject's 127.0.0.1), another agency: its own budget.
    expect((await h.signed(app, h.keys.agency2, "/v1/access/data", body())).statusCode).toBe(200);
  });

  it("counts forged and replayed signed requests against the sender's address, not the agency they name", async () => {
    const app = await h.app({ rateLimitPerMinute: 3 });
    const agency2 = h.f.accounts.agency2.address as Hex;
    const payload = JSON.stringify(body());
    const terms = { chainId: h.f.chainId, gateway: h.gatewayAccount.address, citizen: citizen as Hex, scopes: ADDRESS, purpose: P as Hex, method: "POST", path: "/v1/access/data", body: payload, issuedAt: Math.floor(h.now() / 1000) };
    const send = (headers: Record<string, string>) => app.inject({ method: "POST", url: "/v1/access/data", headers: { "content-type": "application/json", ...headers }, payload });
    // A forger names agency2 as the signer but signs with another key.
    const forged = () => {
      const message = agencyRequestMessage({ ...terms, agency: agency2 });
      return send(agencyRequestHeaders({ message, signature: h.keys.outsider.signTypedData(agencyRequestTypedData(h.f.chainId, message)) }));
    };
    const real = agencyRequestHeaders(signAgencyRequest(h.keys.agency2, terms));
    expect((await send(real)).statusCode).toBe(200); // agency2: 1 of 3
    // Replays of a used request and forgeries are counted on the address: 3 of 3, then refused.
    expect((await send(real)).statusCode).toBe(409);
    expect((await send(real)).statusCode).toBe(409);
    expect((await forged()).statusCode).toBe(401);
    expect((await forged()).statusCode).toBe(429);
    expect((await send(real)).statusCode).toBe(429);
    // agency2's own budget was not touched by any of them: two more, then its own limit.
    const fresh = () => send(agencyRequestHeaders(signAgencyRequest(h.keys.agency2, terms)));
    expect([(await fresh()).statusCode, (await fresh()).statusCode, (await fresh()).statusCode]).toEqual([200, 200, 429]);
  });

  it("keys session requests on the agency too", async () => {
    const app = await h.app({ rateLimitPerMinute: 4 });
    const t1 = await h.login(app, h.keys.agency);
    const t2 = await h.login(app, h.keys.agency2);
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await h.withSession(app, t1, "/v1/access/data", body())).statusCode);
    expect(codes).toEqual([200, 200, 200, 200, 429]);
    expect((await h.withSession(app, t2, "/v1/access/data", body())).statusCode).toBe(200);
    // The two logins were counted on the address, which still has room.
    expect((await app.inject({ method: "POST", url: "/v1/auth/challenge" })).statusCode).toBe(200);
  });

  describe("sockets", () => {
    let app: FastifyInstance;
    let port: number;
    beforeAll(async () => {
      app = await h.app({ connectionTimeoutMs: 600, headersTimeoutMs: 600, requestTimeoutMs: 1_200, keepAliveTimeoutMs: 600, maxConnections: 40 });
      await app.listen({ host: "127.0.0.1", port: 0 });
      port = (app.server.address() as AddressInfo).port;
    });

    const open = () =>
      new Promise<Socket & { closedAt?: number }>((resolve, reject) => {
        const s = connect({ host: "127.0.0.1", port }, () => resolve(s)) as Socket & { closedAt?: number };
        s.on("error", () => undefined);
        s.on("close", () => (s.closedAt = Date.now()));
        s.once("error", reject);
      });

    it("closes idle, slowloris and kept-alive sockets instead of holding them", async () => {
      const idle = await Promise.all(Array.from({ length: 15 }, open));
      const slow = await Promise.all(Array.from({ length: 10 }, open));
      // Headers trickle in one line at a time, never finished: each line resets an idle timer, not the headers one.
      for (const s of slow) s.write("POST /v1/auth/challenge HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      const trickle = setInterval(() => {
        for (const s of slow) if (!s.destroyed) s.write(`x-slow-${Math.floor(Math.random() * 1e6)}: 1\r\n`);
      }, 150);
      const kept = await open();
      kept.write("POST /v1/auth/challenge HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
      let answered = "";
      kept.on("data", (d) => (answered += String(d)));
      try {
        const all = [...idle, ...slow, kept];
        expect(await until(() => all.every((s) => s.closedAt !== undefined))).toBe(true);
      } finally {
        clearInterval(trickle);
      }
      expect(answered).toMatch(/^HTTP\/1\.1 200/);
      for (const s of [...idle, ...slow, kept]) s.destroy();
    }, 30_000);

    it("closes connections past the cap as they arrive, and serves again once they are gone", async () => {
      const sockets = await Promise.all(Array.from({ length: 60 }, () => open().catch(() => undefined)));
      const opened = sockets.filter((s): s is NonNullable<typeof s> => s !== undefined);
      // At most 40 are held; the rest are closed by the server without a request.
      expect(await until(() => opened.filter((s) => s.closedAt === undefined).length <= 40)).toBe(true);
      for (const s of opened) s.destroy();
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
        if (status !== 200) await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe(200);
    }, 30_000);
  });
});
