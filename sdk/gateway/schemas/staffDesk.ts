// What the staff screens of the web app need from the gateway beyond the routes the CLI uses: the
// browser holds the staff key and signs, but it has no JSON-RPC of its own (its CSP allows this
// origin only). So the gateway tells it what to put in a transaction, relays the few transactions
// staff sign at a desk, reads the chain for the checks the browser runs itself, and lists the
// statutory grants an auditor must review.
import Type, { type Static } from "typebox";
import { address, bearer, bytes32, errors, hexBytes, routeSchema } from "./common.js";

export const transactionParamsSchema = routeSchema({
  tags: ["registrar"],
  summary: "What a browser needs to sign a transaction for this account: chain id, the account's next nonce, the gas price",
  params: Type.Object({ signer: address }, { additionalProperties: false }),
  response: {
    200: Type.Object({ signer: address, chainId: Type.Integer(), nonce: Type.Integer(), gasPrice: Type.String({ pattern: "^[0-9]{1,78}$" }) }),
    ...errors,
  },
});
export type TransactionParams = Static<(typeof transactionParamsSchema)["response"][200]>;

/** The contract calls staff may send through the gateway, by the role that sends them. */
export const STAFF_RELAYED_CALLS = {
  registrar: [{ contract: "identityRegistry", functionName: "initiateRecovery" }],
  auditor: [{ contract: "consentRegistry", functionName: "reviewStatutory" }],
} as const;

export const staffTransactionSchema = routeSchema({
  tags: ["registrar"],
  summary: "Broadcast a transaction a staff member signed in the browser (registrar: start a key recovery; auditor: review a statutory grant)",
  security: bearer,
  body: Type.Object({ signedTransaction: hexBytes }, { additionalProperties: false }),
  response: { 200: Type.Object({ txHash: bytes32, blockNumber: Type.Integer(), functionName: Type.String() }), ...errors },
});
export type StaffTransactionResult = Static<(typeof staffTransactionSchema)["response"][200]>;

export const chainCallSchema = routeSchema({
  tags: ["operations"],
  summary: "A read-only call to one of this deployment's contracts (eth_call at the latest block), for checks a browser runs itself",
  body: Type.Object({ to: address, data: hexBytes }, { additionalProperties: false }),
  response: { 200: Type.Object({ result: Type.Unsafe<`0x${string}`>(Type.String({ pattern: "^0x([0-9a-fA-F]{2})*$" })) }), ...errors },
});

export const statutoryReviewViewSchema = Type.Object({
  grantId: bytes32,
  citizen: bytes32,
  anyCitizen: Type.Boolean(),
  agency: address,
  scopes: Type.String(),
  purpose: bytes32,
  legalBasis: bytes32,
  validFrom: Type.String(),
  validUntil: Type.String(),
  revoked: Type.Boolean(),
  reviewed: Type.Boolean(),
  grantedBlock: Type.Integer(),
});
export type StatutoryReviewJson = Static<typeof statutoryReviewViewSchema>;

export const auditStatutorySchema = routeSchema({
  tags: ["audit"],
  summary: "Statutory grants (auditor): those waiting for review first, then the reviewed ones",
  security: bearer,
  response: { 200: Type.Object({ grants: Type.Array(statutoryReviewViewSchema) }), ...errors },
});
