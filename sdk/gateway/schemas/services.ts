// Life-event services (免申即享) for the signed-in citizen: what they received, what they are
// offered, and their answer (decline; accept an offer). The node's services component fills them.
import Type, { type Static } from "typebox";
import { bytes32, errors, routeSchema, stringEnum } from "./common.js";

export const SERVICE_STATES = ["pending", "delivering", "delivered", "offered", "ineligible", "failed", "declined"] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

const localized = Type.Object({ "zh-CN": Type.String(), en: Type.String() });
const smallReceipt = Type.Object({ seq: Type.Integer(), recordHash: bytes32 });

export const citizenService = Type.Object({
  id: bytes32,
  rule: Type.String(),
  name: Type.Optional(localized),
  issuer: Type.Optional(Type.String({ description: "the department that delivers" })),
  state: stringEnum(SERVICE_STATES),
  event: Type.Object({ schema: Type.String(), credentialHash: bytes32, block: Type.Integer() }),
  delivery: Type.Object({
    kind: stringEnum(["credential", "payment", "registration"] as const),
    credentialHash: Type.Optional(bytes32),
    validUntil: Type.Optional(Type.Integer({ description: "unix seconds; 0 = no expiry" })),
    amountFen: Type.Optional(Type.Integer()),
    account: Type.Optional(Type.String()),
    recurring: Type.Optional(Type.String()),
    step: Type.Optional(Type.String()),
    reference: Type.Optional(bytes32),
  }),
  reason: Type.Optional(Type.String({ description: "why an offer (the consent refusal) or why not eligible" })),
  attempts: Type.Integer(),
  lastError: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  nextAttemptAt: Type.Optional(Type.Integer({ description: "unix ms of the next try of a failed delivery" })),
  createdAt: Type.Integer(),
  deliveredAt: Type.Optional(Type.Integer()),
  declinedAt: Type.Optional(Type.Integer()),
  receipt: Type.Optional(smallReceipt),
  checks: Type.Array(Type.Object({ predicate: Type.String(), result: Type.Union([Type.Boolean(), Type.Null()]), code: Type.String(), seq: Type.Optional(Type.Integer()) })),
  /** The issued credential (document, disclosures, signature) the citizen holds, for a delivered credential. */
  credential: Type.Optional(Type.Unknown()),
});
export type CitizenService = Static<typeof citizenService>;

export const citizenServicesSchema = routeSchema({
  tags: ["citizen"],
  summary: "Life-event services the citizen received, is offered, or that are still on their way",
  security: [{ bearer: [] }],
  response: { 200: Type.Object({ citizen: bytes32, services: Type.Array(citizenService) }), ...errors },
});
export type CitizenServices = Static<(typeof citizenServicesSchema)["response"][200]>;

const idParams = Type.Object({ id: bytes32 }, { additionalProperties: false });

export const declineServiceSchema = routeSchema({
  tags: ["citizen"],
  summary: "Decline a service received or offered (a voucher is revoked, a payment instruction cancelled); logged",
  security: [{ bearer: [] }],
  params: idParams,
  response: { 200: citizenService, ...errors },
});

export const acceptServiceSchema = routeSchema({
  tags: ["citizen"],
  summary: "Ask for an offered service now (after granting the standing proactive-services consent)",
  security: [{ bearer: [] }],
  params: idParams,
  response: { 200: citizenService, ...errors },
});
