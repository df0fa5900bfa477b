import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsync } from "fastify";
import { departmentAnswerTypedData, predicateHash, type DepartmentAnswer, type DepartmentQuestion, type LocalAccount } from "@imi-ledger/sdk";
import { evaluatePredicate, PREDICATE_CATEGORIES, type RecordPredicate } from "./evaluatePredicate.js";
import { VaultError, type Vault } from "./Vault.js";

const citizenParams = {
  type: "object",
  properties: { citizen: { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" } },
  required: ["citizen"],
  additionalProperties: false,
} as const;

const recordSchema = {
  type: "object",
  additionalProperties: { type: "object", additionalProperties: { anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }] } },
} as const;

const digest = (text: string) => createHash("sha256").update(text).digest();

const questionSchema = {
  type: "object",
  properties: {
    predicate: {
      oneOf: [
        { type: "object", properties: { type: { const: "ageAtLeast" }, years: { type: "integer", minimum: 0, maximum: 150 } }, required: ["type", "years"], additionalProperties: false },
        { type: "object", properties: { type: { const: "residentOf" }, district: { type: "string", minLength: 1, maxLength: 100 } }, required: ["type", "district"], additionalProperties: false },
      ],
    },
    question: { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" },
  },
  required: ["predicate", "question"],
  additionalProperties: false,
} as const;

/** A department that answers yes/no questions at its source: its key (role DEPARTMENT on chain) and the chain it signs for. */
export type DepartmentSigner = { account: LocalAccount; chainId: number; now?: () => number };

/**
 * The department side of {@link HttpVault}'s protocol, serving any {@link Vault}. A department that
 * wants to keep its data in-house runs this in front of its store. With `token`, every request must
 * carry `Authorization: Bearer <token>` (compared in constant time) or is answered 401 and nothing
 * is read or written; without it, the department must put its own authentication in front.
 *
 * With `department`, it also answers predicates at the source: POST /predicates/:citizen evaluates
 * the question on the department's own record and returns only the signed yes/no (EIP-712
 * DepartmentAnswer), so the field itself never leaves the department.
 */
export const vaultHttpPlugin: FastifyPluginAsync<{ vault: Vault; token?: string; department?: DepartmentSigner }> = async (app, { vault, token, department }) => {
  if (token !== undefined) {
    if (token.length < 32) throw new VaultError("VAULT_CONFIG_INVALID", "token: use at least 32 characters (for example 32 random bytes in hex).");
    const expected = digest(`Bearer ${token}`);
    app.addHook("onRequest", async (request, reply) => {
      // Hashing both sides first makes the comparison constant-time whatever the lengths.
      if (!timingSafeEqual(digest(request.headers.authorization ?? ""), expected)) return reply.code(401).send({ code: "UNAUTHORIZED" });
    });
  }
  app.setErrorHandler((error, _request, reply) => {
    const code = error instanceof VaultError ? error.code : (error as { validation?: unknown }).validation ? "INVALID_REQUEST" : "VAULT_UNAVAILABLE";
    const status = code === "INVALID_REQUEST" || code === "VAULT_INVALID_RECORD" ? 400 : 503;
    void reply.code(status).send({ code });
  });
  app.get<{ Params: { citizen: string }; Querystring: { categories?: string } }>(
    "/records/:citizen",
    {
      schema: {
        params: citizenParams,
        querystring: { type: "object", properties: { categories: { type: "string", maxLength: 1024 } }, additionalProperties: false },
        response: { 200: { type: "object", properties: { record: recordSchema }, required: ["record"] }, 404: { type: "object", properties: { code: { type: "string" } } } },
      },
    },
    async (request, reply) => {
      const categories = request.query.categories === undefined ? undefined : request.query.categories.split(",").filter(Boolean);
      const record = await vault.get(request.params.citizen, categories);
      if (!record) return reply.code(404).send({ code: "UNKNOWN_CITIZEN" });
      return { record };
    },
  );
  app.put<{ Params: { citizen: string }; Body: { record: Record<string, Record<string, string | number | boolean>> } }>(
    "/records/:citizen",
    { schema: { params: citizenParams, body: { type: "object", properties: { record: recordSchema }, required: ["record"], additionalProperties: false } } },
    async (request, reply) => {
      await vault.put(request.params.citizen, request.body.record);
      return reply.code(204).send();
    },
  );
  if (department) {
    app.post<{ Params: { citizen: string }; Body: DepartmentQuestion }>(
      "/predicates/:citizen",
      { schema: { params: citizenParams, body: questionSchema } },
      async (request, reply) => {
        const predicate = request.body.predicate as RecordPredicate;
        const record = await vault.get(request.params.citizen, [PREDICATE_CATEGORIES[predicate.type]]);
        const nowMs = (department.now ?? Date.now)();
        const result = evaluatePredicate(record, predicate, nowMs);
        if (result === undefined) return reply.code(404).send({ code: "NO_RECORD" });
        const answer: DepartmentAnswer = {
          department: department.account.address,
          citizen: request.params.citizen.toLowerCase(),
          predicate: predicateHash(predicate),
          result,
          question: request.body.question.toLowerCase(),
          issuedAt: String(Math.floor(nowMs / 1000)),
        };
        return { answer, signature: department.account.signTypedData(departmentAnswerTypedData(department.chainId, answer)) };
      },
    );
  }
  app.delete<{ Params: { citizen: string } }>("/records/:citizen", { schema: { params: citizenParams } }, async (request, reply) => {
    const existed = await vault.erase(request.params.citizen);
    return reply.code(existed ? 204 : 404).send(existed ? undefined : { code: "UNKNOWN_CITIZEN" });
  });
};
