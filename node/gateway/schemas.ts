// JSON Schema pieces shared by the routes (and shown in the OpenAPI document).
import type { AccessRecord } from "./internal/accessLog.js";
export const bytes32 = { type: "string", pattern: "^0x[0-9a-fA-F]{64}$" } as const;
export const address = { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" } as const;
export const hexBytes = { type: "string", pattern: "^0x([0-9a-fA-F]{2}){1,4096}$" } as const;
export const signature = { type: "string", pattern: "^0x[0-9a-fA-F]{130}$" } as const;
/** A uint256 as a decimal string or 0x hex (JSON numbers lose precision beyond 2^53). */
export const uintString = { type: "string", pattern: "^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$" } as const;
export const unixSeconds = { type: "string", pattern: "^[0-9]{1,12}$" } as const;

export const errorBody = {
  type: "object",
  properties: { code: { type: "string" }, message: { type: "string" } },
  required: ["code", "message"],
} as const;

export const receipt = {
  type: "object",
  properties: { seq: { type: "integer" }, recordHash: bytes32, gateway: address, time: { type: "integer" } },
  required: ["seq", "recordHash", "gateway", "time"],
} as const;

/** A refused access: the code and the receipt of the denied record. */
export const denial = {
  type: "object",
  properties: { code: { type: "string" }, message: { type: "string" }, receipt },
  required: ["code", "message"],
} as const;

export const errors = { "4xx": errorBody, "5xx": errorBody } as const;

export const accessHeaders = {
  type: "object",
  properties: {
    "x-imi-nonce": { ...bytes32, description: "session mode: 32 random bytes, never reused" },
    "x-imi-issued-at": { ...unixSeconds, description: "session mode: unix seconds" },
    "x-imi-request": { type: "string", maxLength: 4096, description: "signed mode: base64url JSON of the AgencyRequest message (sdk/gateway/agencyRequest)" },
    "x-imi-signature": { ...signature, description: "signed mode: the agency's EIP-712 signature of that message" },
  },
} as const;

export const security: Array<Record<string, string[]>> = [{ bearer: [] }, { signedRequest: [] }];

/** An access record as the citizen, auditor and receipt views show it. */
export const accessRecord = {
  type: "object",
  properties: {
    seq: { type: "integer" },
    time: { type: "integer" },
    gateway: address,
    agency: address,
    citizen: bytes32,
    kind: { type: "string" },
    scopes: { type: "string" },
    purpose: bytes32,
    grantId: bytes32,
    basis: { type: "string" },
    decision: { type: "string" },
    reason: { type: "string" },
    requestHash: bytes32,
    responseHash: bytes32,
    recordHash: bytes32,
    legalBasis: { ...bytes32, description: "for statutory accesses: the legal-basis code of the grant" },
    proof: {
      type: "object",
      description: "whether the record is in a batch anchored on chain yet (fetch the proof with GET /v1/receipts/{seq})",
      properties: {
        status: { type: "string", enum: ["unbatched", "pending", "anchored"] },
        batch: { type: "integer" },
        root: bytes32,
        txHash: bytes32,
        blockNumber: { type: "integer" },
      },
      required: ["status"],
    },
  },
  required: ["seq", "time", "gateway", "agency", "citizen", "kind", "scopes", "purpose", "grantId", "basis", "decision", "reason", "requestHash", "responseHash", "recordHash"],
} as const;

/** An access record as JSON (scopes as a decimal string: JSON numbers lose precision). */
export const recordJson = (r: AccessRecord) => ({ ...r, scopes: r.scopes.toString() });
