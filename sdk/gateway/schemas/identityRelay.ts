// Relay of a citizen's signed identity actions: guardians, key rotation, cancelling a recovery.
// As with consents, the controller's (or, for a cancel, a guardian's) EIP-712 signature authorises
// the change and the gateway only pays for the transaction.
import Type, { type Static } from "typebox";
import { UINT_PATTERN, address, bytes32, errors, routeSchema, unixSeconds } from "./common.js";
import { authorizationSchema } from "./consents.js";

export const identityRelayedSchema = Type.Object({ txHash: bytes32, blockNumber: Type.Integer(), citizen: bytes32 });
export type IdentityRelayed = Static<typeof identityRelayedSchema>;

const citizenParams = Type.Object({ citizen: bytes32 }, { additionalProperties: false });

export const addGuardianRelaySchema = routeSchema({
  tags: ["identity"],
  summary: "Relay a controller's signed AddGuardian (IdentityRegistry.addGuardianBySig)",
  params: citizenParams,
  body: Type.Object(
    {
      guardian: address,
      scopes: Type.String({ pattern: UINT_PATTERN, description: "categories the guardian may act over (bitmask)" }),
      expiresAt: unixSeconds,
      authorization: authorizationSchema,
    },
    { additionalProperties: false },
  ),
  response: { 200: identityRelayedSchema, ...errors },
});

export const removeGuardianRelaySchema = routeSchema({
  tags: ["identity"],
  summary: "Relay a controller's signed RemoveGuardian (IdentityRegistry.removeGuardianBySig)",
  params: Type.Object({ citizen: bytes32, guardian: address }, { additionalProperties: false }),
  body: Type.Object({ authorization: authorizationSchema }, { additionalProperties: false }),
  response: { 200: identityRelayedSchema, ...errors },
});

export const rotateKeyRelaySchema = routeSchema({
  tags: ["identity"],
  summary: "Relay a controller's signed RotateKey (IdentityRegistry.rotateKeyBySig)",
  params: citizenParams,
  body: Type.Object({ newController: address, authorization: authorizationSchema }, { additionalProperties: false }),
  response: { 200: identityRelayedSchema, ...errors },
});

export const cancelRecoveryRelaySchema = routeSchema({
  tags: ["identity"],
  summary: "Relay a signed CancelRecovery (IdentityRegistry.cancelRecoveryBySig)",
  params: citizenParams,
  body: Type.Object({ authorization: authorizationSchema }, { additionalProperties: false }),
  response: { 200: identityRelayedSchema, ...errors },
});
