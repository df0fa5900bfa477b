// What the gateway's agency and citizen routes do with webhooks and data requests. The gateway has
// already authenticated the caller (agency session or citizen session) and names them here.
import { randomBytes32, WEBHOOK_EVENTS, type DataRequestJson, type WebhookDeliveryJson, type WebhookEvent, type WebhookSubscription } from "@imi-ledger/sdk";
import { NodeError } from "../../NodeError.js";
import type { Indexer } from "../../indexer/index.js";
import type { DataRequest, Delivery, Subscription, WebhookStore } from "./WebhookStore.js";

/** At most this many endpoints per agency: each is sent every event it names. */
export const MAX_ENDPOINTS_PER_AGENCY = 10;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * https anywhere; http only to a loopback address (an agency's relay on the same machine, tests):
 * a revocation notice names a citizen and must not cross a network in the clear.
 */
export function checkWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NodeError("WEBHOOK_URL_INVALID", "The endpoint is not a URL.");
  }
  if (url.username || url.password) throw new NodeError("WEBHOOK_URL_INVALID", "The endpoint URL must not carry credentials.");
  if (url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname))) return url.toString();
  throw new NodeError("WEBHOOK_URL_INVALID", "The endpoint must be https:// (or http:// on a loopback address).");
}

export function subscriptionJson(s: Subscription): WebhookSubscription {
  return { id: s.id as WebhookSubscription["id"], agency: s.agency as WebhookSubscription["agency"], url: s.url, events: s.events, active: s.active, createdAt: s.createdAt };
}

export function deliveryJson(d: Delivery): WebhookDeliveryJson {
  const payload = JSON.parse(d.body) as { data: Record<string, unknown> };
  return {
    id: d.id as WebhookDeliveryJson["id"],
    subscription: d.subscription as WebhookDeliveryJson["id"],
    agency: d.agency as WebhookDeliveryJson["agency"],
    event: d.event,
    state: d.state,
    ...(d.citizen ? { citizen: d.citizen as WebhookDeliveryJson["id"] } : {}),
    ackRequested: d.ackRequested,
    attempts: d.attempts,
    createdAt: d.createdAt,
    ...(d.nextAttemptAt !== undefined ? { nextAttemptAt: d.nextAttemptAt } : {}),
    ...(d.lastError ? { lastError: d.lastError } : {}),
    ...(d.deliveredAt !== undefined ? { deliveredAt: d.deliveredAt } : {}),
    ...(d.acknowledgedAt !== undefined ? { acknowledgedAt: d.acknowledgedAt } : {}),
    data: payload.data,
  };
}

export class WebhookDesk {
  constructor(
    private readonly o: {
      store: WebhookStore;
      indexer: () => Indexer | undefined;
      poke: () => void;
      now?: () => number;
      emit?: (d: Delivery) => void;
    },
  ) {}

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  async register(agency: string, url: string, events: WebhookEvent[]): Promise<WebhookSubscription> {
    const checked = checkWebhookUrl(url);
    if (events.length === 0 || events.some((e) => !WEBHOOK_EVENTS.includes(e))) throw new NodeError("WEBHOOK_EVENTS_INVALID", `Events are some of ${WEBHOOK_EVENTS.join(", ")}.`);
    if (this.o.store.subscriptions({ agency, active: true }).length >= MAX_ENDPOINTS_PER_AGENCY)
      throw new NodeError("WEBHOOK_LIMIT", `An agency has at most ${MAX_ENDPOINTS_PER_AGENCY} endpoints; remove one first.`);
    const indexer = this.o.indexer();
    const fromBlock = indexer?.status().indexedBlock ?? 0;
    const sub = await this.o.store.addSubscription({ agency, url: checked, events: [...new Set(events)], createdAt: this.now(), fromBlock });
    this.o.poke();
    return subscriptionJson(sub);
  }

  async list(agency: string, limit: number): Promise<{ subscriptions: WebhookSubscription[]; deliveries: WebhookDeliveryJson[] }> {
    return { subscriptions: this.o.store.subscriptions({ agency }).map(subscriptionJson), deliveries: (await this.o.store.agencyDeliveries(agency, limit)).map(deliveryJson) };
  }

  async remove(agency: string, id: string): Promise<WebhookSubscription> {
    return subscriptionJson(await this.o.store.removeSubscription(agency, id));
  }

  /** The agency did what the delivery asked (a revocation: deleted what it cached). Idempotent. */
  async acknowledge(agency: string, id: string): Promise<WebhookDeliveryJson> {
    const d = await this.o.store.delivery(id);
    if (!d || d.agency !== agency.toLowerCase()) throw new NodeError("DELIVERY_NOT_FOUND", "The agency has no delivery with this id.");
    if (!d.ackRequested) throw new NodeError("DELIVERY_NOT_ACKNOWLEDGEABLE", "This delivery asks for no acknowledgement.");
    if (d.state === "acknowledged") return deliveryJson(d);
    const saved = await this.o.store.saveDelivery(d, { ...d, state: "acknowledged", acknowledgedAt: this.now(), nextAttemptAt: undefined });
    this.o.emit?.(saved);
    return deliveryJson(saved);
  }

  private async requestJson(r: DataRequest): Promise<DataRequestJson> {
    const deliveries = [];
    for (const id of r.deliveries) {
      const d = await this.o.store.delivery(id);
      if (d) deliveries.push({ id: d.id as DataRequestJson["id"], state: d.state });
    }
    return {
      id: r.id as DataRequestJson["id"],
      citizen: r.citizen as DataRequestJson["id"],
      agency: r.agency as DataRequestJson["agency"],
      kind: r.kind,
      categories: r.categories,
      details: r.details,
      state: r.state,
      createdAt: r.createdAt,
      ...(r.answer ? { answer: r.answer } : {}),
      deliveries,
    };
  }

  /**
   * A citizen asks an agency to delete or correct data it obtained. Only an agency that holds (or
   * held) a consent or a statutory grant for the citizen can have obtained any: others are refused.
   */
  async sendRequest(citizen: string, input: { agency: string; kind: DataRequest["kind"]; categories: string[]; details: string }): Promise<DataRequestJson> {
    const indexer = this.o.indexer();
    if (!indexer) throw new NodeError("SERVICES_NOT_RUNNING", "The services component is not running.");
    const agency = input.agency.toLowerCase();
    const related =
      indexer.consentsOfCitizen(citizen).some((c) => c.agency.toLowerCase() === agency) || indexer.statutoryForCitizen(citizen).some((s) => s.agency.toLowerCase() === agency);
    if (!related) throw new NodeError("REQUEST_NO_RELATION", "This agency holds no consent or statutory grant for you, so it obtained no data through the gateway.");
    if (input.kind === "correction" && input.details.trim().length === 0) throw new NodeError("REQUEST_DETAILS_REQUIRED", "A correction request says what is wrong and what is right.");
    const saved = await this.o.store.addRequest({ citizen, agency, kind: input.kind, categories: input.categories, details: input.details, createdAt: this.now() }, randomBytes32());
    this.o.poke();
    return this.requestJson(saved);
  }

  async answer(agency: string, id: string, outcome: "done" | "refused", note: string): Promise<DataRequestJson> {
    const r = await this.o.store.request(id);
    if (!r || r.agency !== agency.toLowerCase()) throw new NodeError("REQUEST_NOT_FOUND", "The agency has no request with this id.");
    if (r.state === "answered") throw new NodeError("REQUEST_ANSWERED", "The request was answered before.");
    if (outcome === "refused" && note.trim().length === 0) throw new NodeError("REQUEST_NOTE_REQUIRED", "A refusal says why.");
    return this.requestJson(await this.o.store.saveRequest({ ...r, state: "answered", answer: { outcome, note, at: this.now() } }));
  }

  async agencyRequests(agency: string): Promise<DataRequestJson[]> {
    return Promise.all((await this.o.store.requests({ agency })).map((r) => this.requestJson(r)));
  }

  async citizenView(citizen: string): Promise<{ requests: DataRequestJson[]; notices: WebhookDeliveryJson[] }> {
    const requests = await Promise.all((await this.o.store.requests({ citizen })).map((r) => this.requestJson(r)));
    return { requests, notices: (await this.o.store.citizenNotices(citizen)).map(deliveryJson) };
  }
}
