// The webhooks' durable state, a LevelDB of its own under <dataDir>/webhooks:
//   s:<sub>                        an agency's endpoint (url, events, active)
//   sa:<agency>:<sub>              the agency's endpoints
//   d:<delivery>                   one delivery: the event's body, its state and attempts (the outbox)
//   q:<dueMs 15 digits>:<delivery> deliveries waiting to be sent, by when they are due
//   da:<agency>:<createdMs>:<delivery>  the agency's deliveries, in order
//   dc:<citizen>:<delivery>        notices that ask for the agency's acknowledgement, for the citizen
//   k:<consent>                    a consent of an agency with endpoints, as last seen
//   x:<validUntil 15 digits>:<consent>  consents to tell of when they expire
//   m:consents                     last block whose consent events were read
//   m:life                         last block whose life events were turned into deliveries
//   m:successor                    after a chain move, the chain that continues the retired one: m:consents and m:life count its blocks
//   r:<request>, ra:<agency>:<request>, rc:<citizen>:<request>   citizens' deletion/correction requests
// A delivery id is keccak256(subscription ‖ event key): the same event never enters the outbox of
// the same endpoint twice, whatever is replayed. Every change is one synced batch (an event seen
// and its deliveries together), so a restart resumes from a state that was all written or not at all.
import { Level } from "level";
import { storeOptions } from "../../storage/levelOptions.js";
import { AbiCoder, keccak256 } from "ethers";
import type { DataRequestKind, WebhookDeliveryState, WebhookEvent, WebhookPayload } from "@imi-ledger/sdk";
import { NodeError } from "../../NodeError.js";

export type Subscription = { id: string; agency: string; url: string; events: WebhookEvent[]; active: boolean; createdAt: number; fromBlock: number };

export type Delivery = {
  id: string;
  subscription: string;
  agency: string;
  url: string;
  event: WebhookEvent;
  citizen?: string;
  ackRequested: boolean;
  /** The exact JSON body sent on every attempt (the signature covers these bytes and a fresh timestamp). */
  body: string;
  state: WebhookDeliveryState;
  attempts: number;
  createdAt: number;
  nextAttemptAt?: number;
  lastError?: { code: string; message: string };
  deliveredAt?: number;
  acknowledgedAt?: number;
};

export type DataRequest = {
  id: string;
  citizen: string;
  agency: string;
  kind: DataRequestKind;
  categories: string[];
  details: string;
  state: "sent" | "answered";
  createdAt: number;
  answer?: { outcome: "done" | "refused"; note: string; at: number };
  deliveries: string[];
};

/** An event for some endpoints: the store makes one delivery per endpoint. */
export type NewEvent = { key: string; event: WebhookEvent; agency: string; citizen?: string; data: Record<string, unknown>; ackRequested: boolean };

export type ConsentSeen = { consentId: string; citizen: string; agency: string; purpose: string; scopes: string; validUntil: number; status: number };

type Op = { type: "put"; key: string; value: string } | { type: "del"; key: string };

const pad = (n: number) => String(Math.max(0, Math.floor(n))).padStart(15, "0");
const coder = AbiCoder.defaultAbiCoder();

export class WebhookStore {
  private subs: Subscription[] = [];

  private constructor(private readonly db: Level<string, string>) {}

  static async open(dir: string): Promise<WebhookStore> {
    const db = new Level<string, string>(dir, storeOptions({ valueEncoding: "utf8" }));
    try {
      await db.open();
    } catch (cause) {
      throw new NodeError("WEBHOOKS_STORE_UNAVAILABLE", "The webhooks store cannot be opened (is another node using this data directory?).", { cause });
    }
    const store = new WebhookStore(db);
    // The endpoints are read on every pass: held in memory, written through.
    for await (const value of db.values({ gte: "s:", lt: "s:~" })) store.subs.push(JSON.parse(value) as Subscription);
    return store;
  }

  // ---- endpoints ---------------------------------------------------------------------------------

  subscriptions(filter: { agency?: string; active?: boolean } = {}): Subscription[] {
    return this.subs
      .filter((s) => (!filter.agency || s.agency === filter.agency.toLowerCase()) && (filter.active === undefined || s.active === filter.active))
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async addSubscription(sub: Omit<Subscription, "id" | "active">): Promise<Subscription> {
    const agency = sub.agency.toLowerCase();
    const id = keccak256(coder.encode(["address", "string", "uint256"], [agency, sub.url, sub.createdAt])).toLowerCase();
    const saved: Subscription = { ...sub, agency, id, active: true };
    await this.db.batch([{ type: "put", key: `s:${id}`, value: JSON.stringify(saved) }, { type: "put", key: `sa:${agency}:${id}`, value: "" }], { sync: true });
    this.subs = [...this.subs.filter((s) => s.id !== id), saved];
    return saved;
  }

  async removeSubscription(agency: string, id: string): Promise<Subscription> {
    const sub = this.subs.find((s) => s.id === id.toLowerCase() && s.agency === agency.toLowerCase());
    if (!sub) throw new NodeError("WEBHOOK_NOT_FOUND", "The agency has no endpoint with this id.");
    if (!sub.active) return sub;
    const saved = { ...sub, active: false };
    await this.db.put(`s:${sub.id}`, JSON.stringify(saved), { sync: true });
    this.subs = this.subs.map((s) => (s.id === sub.id ? saved : s));
    return saved;
  }

  // ---- the outbox --------------------------------------------------------------------------------

  /** The deliveries for `events` (one per active endpoint of the event's agency that wants it), as batch operations. */
  private async deliveriesFor(events: NewEvent[], now: number): Promise<{ ops: Op[]; ids: Map<string, string[]> }> {
    const ops: Op[] = [];
    const ids = new Map<string, string[]>();
    for (const e of events) {
      const agency = e.agency.toLowerCase();
      const made: string[] = [];
      for (const sub of this.subs) {
        if (!sub.active || sub.agency !== agency || !sub.events.includes(e.event)) continue;
        const id = keccak256(coder.encode(["bytes32", "string"], [sub.id, e.key])).toLowerCase();
        made.push(id);
        if ((await this.db.get(`d:${id}`)) !== undefined) continue;
        const payload: WebhookPayload = { id: id as WebhookPayload["id"], event: e.event, agency: agency as WebhookPayload["agency"], createdAt: now, ackRequested: e.ackRequested, data: e.data };
        const d: Delivery = {
          id,
          subscription: sub.id,
          agency,
          url: sub.url,
          event: e.event,
          ...(e.citizen ? { citizen: e.citizen.toLowerCase() } : {}),
          ackRequested: e.ackRequested,
          body: JSON.stringify(payload),
          state: "pending",
          attempts: 0,
          createdAt: now,
          nextAttemptAt: now,
        };
        ops.push(
          { type: "put", key: `d:${id}`, value: JSON.stringify(d) },
          { type: "put", key: `q:${pad(now)}:${id}`, value: "" },
          { type: "put", key: `da:${agency}:${pad(now)}:${id}`, value: "" },
        );
        if (d.citizen && (e.ackRequested || e.event === "data-request")) ops.push({ type: "put", key: `dc:${d.citizen}:${id}`, value: "" });
      }
      ids.set(e.key, made);
    }
    return { ops, ids };
  }

  /** A consent of an agency with endpoints, as last seen (for the data of its later events, and its expiry). */
  async consent(consentId: string): Promise<ConsentSeen | undefined> {
    const v = await this.db.get(`k:${consentId.toLowerCase()}`);
    return v === undefined ? undefined : (JSON.parse(v) as ConsentSeen);
  }

  async consentCursor(): Promise<number | undefined> {
    const v = await this.db.get("m:consents");
    return v === undefined ? undefined : Number(v);
  }

  /** Consents (of agencies with endpoints) whose validUntil is at or before `nowSeconds` and not yet told. */
  async expiring(nowSeconds: number, limit: number): Promise<string[]> {
    const out: string[] = [];
    for await (const key of this.db.keys({ gte: "x:", lt: `x:${pad(nowSeconds)}:~`, limit })) out.push(key.slice(key.lastIndexOf(":") + 1));
    return out;
  }

  /**
   * Records consents seen (and their expiry watch), puts their events in the outbox and moves the
   * consent cursor, in one synced batch.
   */
  async recordConsents(changes: { seen: ConsentSeen[]; expiredTold: ConsentSeen[]; events: NewEvent[]; cursor?: number }, now: number): Promise<number> {
    const { ops } = await this.deliveriesFor(changes.events, now);
    for (const c of changes.seen) {
      ops.push({ type: "put", key: `k:${c.consentId}`, value: JSON.stringify(c) });
      // Only a standing consent with an end is watched for its expiry.
      if (c.validUntil !== 0 && c.status !== 3) ops.push({ type: "put", key: `x:${pad(c.validUntil)}:${c.consentId}`, value: "" });
      else if (c.validUntil !== 0) ops.push({ type: "del", key: `x:${pad(c.validUntil)}:${c.consentId}` });
    }
    for (const c of changes.expiredTold) ops.push({ type: "del", key: `x:${pad(c.validUntil)}:${c.consentId}` });
    if (changes.cursor !== undefined) ops.push({ type: "put", key: "m:consents", value: String(changes.cursor) });
    if (ops.length === 0) return 0;
    await this.db.batch(ops, { sync: true });
    return ops.filter((o) => o.key.startsWith("d:")).length;
  }

  /** Both cursors and, after a chain move, the chain they count blocks on (retiredChain.ts). */
  async position(): Promise<{ consents: number | undefined; life: number | undefined; successorChainId: number | undefined }> {
    const [consents, life, successor] = await this.db.getMany(["m:consents", "m:life", "m:successor"]);
    const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
    return { consents: num(consents), life: num(life), successorChainId: num(successor) };
  }

  /**
   * Once everything up to the retired chain's last block is read: the cursors stand at the
   * successor's block 0 (its genesis has no events) and count its blocks from now on. A cursor that
   * was never set stays unset (nothing was watched yet). One synced batch.
   */
  async continueOnSuccessor(successorChainId: number): Promise<void> {
    const at = await this.position();
    const ops: Op[] = [{ type: "put", key: "m:successor", value: String(successorChainId) }];
    if (at.consents !== undefined) ops.push({ type: "put", key: "m:consents", value: "0" });
    if (at.life !== undefined) ops.push({ type: "put", key: "m:life", value: "0" });
    await this.db.batch(ops, { sync: true });
  }

  async lifeCursor(): Promise<number | undefined> {
    const v = await this.db.get("m:life");
    return v === undefined ? undefined : Number(v);
  }

  /** Puts life events in the outbox and moves the life-event cursor, in one synced batch. */
  async recordLifeEvents(events: NewEvent[], cursor: number, now: number): Promise<number> {
    const { ops } = await this.deliveriesFor(events, now);
    ops.push({ type: "put", key: "m:life", value: String(cursor) });
    await this.db.batch(ops, { sync: true });
    return ops.filter((o) => o.key.startsWith("d:")).length;
  }

  async delivery(id: string): Promise<Delivery | undefined> {
    const v = await this.db.get(`d:${id.toLowerCase()}`);
    return v === undefined ? undefined : (JSON.parse(v) as Delivery);
  }

  /** Deliveries due at `now`, oldest first. */
  async due(now: number, limit: number): Promise<Delivery[]> {
    const out: Delivery[] = [];
    for await (const key of this.db.keys({ gte: "q:", lt: `q:${pad(now)}:~`, limit })) {
      const d = await this.delivery(key.slice(key.lastIndexOf(":") + 1));
      if (d) out.push(d);
    }
    return out;
  }

  /** Saves a delivery's new state and moves it in (or out of) the queue. */
  async saveDelivery(before: Delivery, after: Delivery): Promise<Delivery> {
    const ops: Op[] = [{ type: "put", key: `d:${after.id}`, value: JSON.stringify(after) }];
    if (before.nextAttemptAt !== undefined) ops.push({ type: "del", key: `q:${pad(before.nextAttemptAt)}:${before.id}` });
    if (after.nextAttemptAt !== undefined) ops.push({ type: "put", key: `q:${pad(after.nextAttemptAt)}:${after.id}`, value: "" });
    await this.db.batch(ops, { sync: true });
    return after;
  }

  /** The agency's deliveries, newest first. */
  async agencyDeliveries(agency: string, limit: number): Promise<Delivery[]> {
    const prefix = `da:${agency.toLowerCase()}:`;
    const out: Delivery[] = [];
    for await (const key of this.db.keys({ gte: prefix, lt: `${prefix}~`, reverse: true, limit })) {
      const d = await this.delivery(key.slice(key.lastIndexOf(":") + 1));
      if (d) out.push(d);
    }
    return out;
  }

  /** Notices about the citizen that ask an agency to act (revocations, expiries), oldest first. */
  async citizenNotices(citizen: string): Promise<Delivery[]> {
    const prefix = `dc:${citizen.toLowerCase()}:`;
    const out: Delivery[] = [];
    for await (const key of this.db.keys({ gte: prefix, lt: `${prefix}~` })) {
      const d = await this.delivery(key.slice(prefix.length));
      if (d && d.ackRequested) out.push(d);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  // ---- citizens' requests ------------------------------------------------------------------------

  /** Records a request and puts its deliveries in the outbox, in one synced batch. */
  async addRequest(request: Omit<DataRequest, "id" | "state" | "deliveries">, nonce: string): Promise<DataRequest> {
    const id = keccak256(coder.encode(["bytes32", "address", "bytes32"], [request.citizen, request.agency, nonce])).toLowerCase();
    const citizen = request.citizen.toLowerCase();
    const agency = request.agency.toLowerCase();
    const { ops, ids } = await this.deliveriesFor(
      [{ key: `request:${id}`, event: "data-request", agency, citizen, ackRequested: false, data: { request: id, citizen, kind: request.kind, categories: request.categories, details: request.details } }],
      request.createdAt,
    );
    const saved: DataRequest = { ...request, citizen, agency, id, state: "sent", deliveries: ids.get(`request:${id}`) ?? [] };
    ops.push(
      { type: "put", key: `r:${id}`, value: JSON.stringify(saved) },
      { type: "put", key: `ra:${agency}:${id}`, value: "" },
      { type: "put", key: `rc:${citizen}:${id}`, value: "" },
    );
    await this.db.batch(ops, { sync: true });
    return saved;
  }

  async request(id: string): Promise<DataRequest | undefined> {
    const v = await this.db.get(`r:${id.toLowerCase()}`);
    return v === undefined ? undefined : (JSON.parse(v) as DataRequest);
  }

  async saveRequest(request: DataRequest): Promise<DataRequest> {
    await this.db.put(`r:${request.id}`, JSON.stringify(request), { sync: true });
    return request;
  }

  async requests(filter: { agency: string } | { citizen: string }): Promise<DataRequest[]> {
    const prefix = "agency" in filter ? `ra:${filter.agency.toLowerCase()}:` : `rc:${filter.citizen.toLowerCase()}:`;
    const out: DataRequest[] = [];
    for await (const key of this.db.keys({ gte: prefix, lt: `${prefix}~` })) {
      const r = await this.request(key.slice(prefix.length));
      if (r) out.push(r);
    }
    return out.sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
