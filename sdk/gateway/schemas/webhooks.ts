// Agencies told at once: webhook subscriptions, the outbox of signed deliveries and their
// acknowledgements; and the citizen's deletion and correction requests to an agency, delivered the
// same way and answered by the agency through the gateway.
import Type, { type Static } from "typebox";
import { WEBHOOK_EVENTS } from "../../webhooks/webhookDelivery.js";
import { address, bearer, bytes32, errors, routeSchema, stringEnum } from "./common.js";

export const WEBHOOK_DELIVERY_STATES = ["pending", "delivered", "failed", "acknowledged"] as const;
export type WebhookDeliveryState = (typeof WEBHOOK_DELIVERY_STATES)[number];
export const DATA_REQUEST_KINDS = ["deletion", "correction"] as const;
export type DataRequestKind = (typeof DATA_REQUEST_KINDS)[number];
export const DATA_REQUEST_OUTCOMES = ["done", "refused"] as const;
export const DATA_REQUEST_STATES = ["sent", "answered"] as const;

const event = stringEnum(WEBHOOK_EVENTS);
const idParams = Type.Object({ id: bytes32 }, { additionalProperties: false });

export const webhookSubscription = Type.Object({
  id: bytes32,
  agency: address,
  url: Type.String(),
  events: Type.Array(event),
  active: Type.Boolean(),
  createdAt: Type.Integer({ description: "unix ms" }),
});
export type WebhookSubscription = Static<typeof webhookSubscription>;

export const webhookDelivery = Type.Object({
  id: bytes32,
  subscription: bytes32,
  agency: address,
  event,
  state: stringEnum(WEBHOOK_DELIVERY_STATES),
  citizen: Type.Optional(bytes32),
  ackRequested: Type.Boolean(),
  attempts: Type.Integer(),
  createdAt: Type.Integer(),
  nextAttemptAt: Type.Optional(Type.Integer({ description: "unix ms of the next try; absent once delivered or given up" })),
  lastError: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  deliveredAt: Type.Optional(Type.Integer()),
  acknowledgedAt: Type.Optional(Type.Integer()),
  data: Type.Record(Type.String(), Type.Unknown()),
});
export type WebhookDeliveryJson = Static<typeof webhookDelivery>;

export const dataRequest = Type.Object({
  id: bytes32,
  citizen: bytes32,
  agency: address,
  kind: stringEnum(DATA_REQUEST_KINDS),
  categories: Type.Array(Type.String()),
  details: Type.String(),
  state: stringEnum(DATA_REQUEST_STATES),
  createdAt: Type.Integer(),
  answer: Type.Optional(Type.Object({ outcome: stringEnum(DATA_REQUEST_OUTCOMES), note: Type.String(), at: Type.Integer() })),
  /** The webhook deliveries that carried it (none when the agency subscribes to no data-request event). */
  deliveries: Type.Array(Type.Object({ id: bytes32, state: stringEnum(WEBHOOK_DELIVERY_STATES) })),
});
export type DataRequestJson = Static<typeof dataRequest>;

export const registerWebhookSchema = routeSchema({
  tags: ["agency"],
  summary: "Register a webhook endpoint for the events the agency needs (agency session)",
  security: bearer,
  body: Type.Object(
    {
      url: Type.String({ minLength: 8, maxLength: 2048, description: "https://…, or http:// on a loopback address" }),
      events: Type.Array(event, { minItems: 1, maxItems: WEBHOOK_EVENTS.length, uniqueItems: true }),
    },
    { additionalProperties: false },
  ),
  response: { 200: webhookSubscription, ...errors },
});

export const agencyWebhooksSchema = routeSchema({
  tags: ["agency"],
  summary: "The agency's webhook endpoints and its latest deliveries",
  security: bearer,
  querystring: Type.Object({ limit: Type.Optional(Type.String({ pattern: "^[1-9][0-9]{0,2}$" })) }, { additionalProperties: false }),
  response: { 200: Type.Object({ subscriptions: Type.Array(webhookSubscription), deliveries: Type.Array(webhookDelivery) }), ...errors },
});
export type AgencyWebhooks = Static<(typeof agencyWebhooksSchema)["response"][200]>;

export const removeWebhookSchema = routeSchema({
  tags: ["agency"],
  summary: "Stop an endpoint: nothing more is put in its outbox (what is already there is still sent)",
  security: bearer,
  params: idParams,
  response: { 200: webhookSubscription, ...errors },
});

export const acknowledgeDeliverySchema = routeSchema({
  tags: ["agency"],
  summary: "Acknowledge a delivery (for a revocation: the cached data is deleted); shown to the citizen",
  security: bearer,
  params: idParams,
  response: { 200: webhookDelivery, ...errors },
});

export const agencyDataRequestsSchema = routeSchema({
  tags: ["agency"],
  summary: "Deletion and correction requests citizens sent the agency",
  security: bearer,
  response: { 200: Type.Object({ requests: Type.Array(dataRequest) }), ...errors },
});
export type AgencyDataRequests = Static<(typeof agencyDataRequestsSchema)["response"][200]>;

export const answerDataRequestSchema = routeSchema({
  tags: ["agency"],
  summary: "Answer a citizen's deletion or correction request (done or refused, with a note)",
  security: bearer,
  params: idParams,
  body: Type.Object({ outcome: stringEnum(DATA_REQUEST_OUTCOMES), note: Type.String({ maxLength: 1000 }) }, { additionalProperties: false }),
  response: { 200: dataRequest, ...errors },
});

export const citizenDataRequestsSchema = routeSchema({
  tags: ["citizen"],
  summary: "The citizen's deletion and correction requests, and the notices agencies were sent about their consents (with the agency's acknowledgement)",
  security: bearer,
  response: { 200: Type.Object({ citizen: bytes32, requests: Type.Array(dataRequest), notices: Type.Array(webhookDelivery) }), ...errors },
});
export type CitizenDataRequests = Static<(typeof citizenDataRequestsSchema)["response"][200]>;

export const sendDataRequestSchema = routeSchema({
  tags: ["citizen"],
  summary: "Ask an agency to delete or correct data it obtained about the citizen",
  security: bearer,
  body: Type.Object(
    {
      agency: address,
      kind: stringEnum(DATA_REQUEST_KINDS),
      categories: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 32, uniqueItems: true }),
      details: Type.String({ maxLength: 2000 }),
    },
    { additionalProperties: false },
  ),
  response: { 200: dataRequest, ...errors },
});
