// Consent relay: the citizen's (or guardian's) EIP-712 signature authorises the change; the gateway
// only pays for the transaction. Numbers travel as decimal strings: a uint256 scope mask and unix
// times do not fit a JSON number, and the gateway refuses numbers where it expects strings.
import Type, { type Static } from "typebox";
import { address, bytes32, errors, hexBytes, routeSchema, uintString, unixSeconds } from "./common.js";

export const authorizationSchema = Type.Object({ signer: address, deadline: unixSeconds, signature: hexBytes }, { additionalProperties: false });
/** A signed authorisation as the gateway takes it (deadline as a decimal string). */
export type AuthorizationJson = Static<typeof authorizationSchema>;

export const relayedSchema = Type.Object({ txHash: bytes32, blockNumber: Type.Integer(), consentId: bytes32, status: Type.String() });
/** A relayed change, answered once it is in a block and in the gateway's index. */
export type Relayed = Static<typeof relayedSchema>;

export const grantRequestSchema = Type.Object(
  {
    citizen: bytes32,
    agency: address,
    scopes: uintString,
    purpose: bytes32,
    validFrom: unixSeconds,
    validUntil: unixSeconds,
    maxUses: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
  },
  { additionalProperties: false },
);
export type GrantRequestJson = Static<typeof grantRequestSchema>;

export const grantConsentSchema = routeSchema({
  tags: ["consent"],
  summary: "Relay a citizen's signed Grant (ConsentRegistry.grantBySig)",
  body: Type.Object({ request: grantRequestSchema, authorization: authorizationSchema }, { additionalProperties: false }),
  response: { 200: relayedSchema, ...errors },
});

const consentIdParams = Type.Object({ consentId: bytes32 }, { additionalProperties: false });
const changeBody = Type.Object({ authorization: authorizationSchema }, { additionalProperties: false });
const changeSchema = (action: "revoke" | "pause" | "resume" | "confirm") =>
  routeSchema({
    tags: ["consent"],
    summary: `Relay a citizen's signed ${action[0].toUpperCase()}${action.slice(1)} (${action}BySig)`,
    params: consentIdParams,
    body: changeBody,
    response: { 200: relayedSchema, ...errors },
  });
export const revokeConsentSchema = changeSchema("revoke");
export const pauseConsentSchema = changeSchema("pause");
export const resumeConsentSchema = changeSchema("resume");
/** The citizen's own key keeps a guardian's grant standing after the guardianship ends. */
export const confirmConsentSchema = changeSchema("confirm");
/** The relay route schema of each status change, by its path segment (/v1/consents/:consentId/<action>). */
export const consentChangeSchemas = { revoke: revokeConsentSchema, pause: pauseConsentSchema, resume: resumeConsentSchema, confirm: confirmConsentSchema } as const;
