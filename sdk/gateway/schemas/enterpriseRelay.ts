// Relay of signed enterprise and credit actions: the legal representative's AppointStaff and the
// subject's ApplyForRepair. The signature authorises the change; the gateway only pays for the
// transaction, so it can relay but never forge.
import Type, { type Static } from "typebox";
import { UINT_PATTERN, bytes32, errors, routeSchema, unixSeconds } from "./common.js";
import { authorizationSchema } from "./consents.js";

export const enterpriseRelayedSchema = Type.Object({ txHash: bytes32, blockNumber: Type.Integer(), enterprise: bytes32 });
export type EnterpriseRelayed = Static<typeof enterpriseRelayedSchema>;

export const appointStaffRelaySchema = routeSchema({
  tags: ["enterprise"],
  summary: "Relay a legal representative's signed AppointStaff (EnterpriseRegistry.appointStaffBySig)",
  params: Type.Object({ enterprise: bytes32 }, { additionalProperties: false }),
  body: Type.Object(
    {
      staff: bytes32,
      scopes: Type.String({ pattern: UINT_PATTERN, description: "ENTERPRISE_SCOPES bits" }),
      expiresAt: unixSeconds,
      authorization: authorizationSchema,
    },
    { additionalProperties: false },
  ),
  response: { 200: enterpriseRelayedSchema, ...errors },
});

export const repairRelayedSchema = Type.Object({ txHash: bytes32, blockNumber: Type.Integer(), entryId: bytes32, repairId: Type.String() });
export type RepairRelayed = Static<typeof repairRelayedSchema>;

export const applyRepairRelaySchema = routeSchema({
  tags: ["credit"],
  summary: "Relay a subject's signed ApplyForRepair (CreditRegistry.applyForRepairBySig)",
  body: Type.Object({ entryId: bytes32, evidenceHash: bytes32, authorization: authorizationSchema }, { additionalProperties: false }),
  response: { 200: repairRelayedSchema, ...errors },
});

export const removeStaffRelaySchema = routeSchema({
  tags: ["enterprise"],
  summary: "Relay a signed RemoveStaff (EnterpriseRegistry.removeStaffBySig): the legal representative's, or the staff member's own",
  params: Type.Object({ enterprise: bytes32, staff: bytes32 }, { additionalProperties: false }),
  body: Type.Object({ authorization: authorizationSchema }, { additionalProperties: false }),
  response: { 200: enterpriseRelayedSchema, ...errors },
});
