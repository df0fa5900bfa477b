// The gateway compiles a route's schemas when the route is first used (internal/lazySchemas.ts),
// not all of them before it listens. Every route's schemas must still compile: this test compiles
// them all, so a schema that does not compile fails here rather than on a first request. And a
// route's validation and serialization answer as they did when compiled up front.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { createHarness, type Harness } from "./harness.js";

describe("gateway: route schemas compiled on first use", () => {
  let h: Harness;
  let app: FastifyInstance;
  beforeAll(async () => {
    h = await createHarness();
    app = await h.app();
    await app.ready();
  });
  afterAll(async () => h?.close());

  it("compiles a route's schemas on its first request and only that route's", async () => {
    const fresh = await h.app();
    await fresh.ready();
    const first = await fresh.inject({ method: "GET", url: "/healthz" });
    expect(first.statusCode).toBe(200);
    // The health route's response schema was compiled by its request; the rest are still waiting.
    const rest = fresh.imiSchemas.compileAll();
    expect(rest).toBeGreaterThan(100);
    expect(fresh.imiSchemas.compileAll()).toBe(0);
    expect((await fresh.inject({ method: "GET", url: "/healthz" })).json()).toEqual(first.json());
  });

  it("refuses a body its schema refuses, with the same code as before, and serializes by the response schema", async () => {
    const bad = await app.inject({ method: "POST", url: "/v1/auth/login", headers: { "content-type": "application/json" }, payload: { unexpected: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe("INVALID_REQUEST");
    const bad2 = await app.inject({ method: "POST", url: "/v1/auth/login", headers: { "content-type": "application/json" }, payload: { unexpected: 1 } });
    expect(bad2.json()).toEqual(bad.json());
  });

  it("compiles every route's schemas without an error", () => {
    expect(() => app.imiSchemas.compileAll()).not.toThrow();
    expect(app.imiSchemas.compileAll()).toBe(0);
  });
});
