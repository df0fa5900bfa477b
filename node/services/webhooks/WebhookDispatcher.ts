// Agencies told at once. One loop: (1) reads the consent events of agencies with endpoints from the
// chain's logs (its own cursor) and puts granted / paused / resumed / revoked in the outbox, and
// expired when a watched consent's end passes; (2) follows
// life-event credentials with its own cursor and tells each agency that holds an active consent of
// the citizen; (3) sends what is due, signed by the gateway's key, and retries a failure with
// exponential backoff. The outbox is the WebhookStore (LevelDB, synced): what is put there is sent
// after any restart, and a delivery's id never changes, so an agency can skip a repeat.
import type { Logger } from "pino";
import { Interface } from "ethers";
import { WEBHOOK_ACK_EVENTS, consentRegistryAbi, signDelivery, type LocalAccount, type WebhookEvent } from "@imi-ledger/sdk";
import type { Indexer } from "../../indexer/index.js";
import { ConsentStatus } from "../../indexer/decisions.js";
import type { LifeEvent } from "../ServicesEngine.js";
import { checkCursorsOnMove, type RetiredChain } from "../retiredChain.js";
import type { ConsentSeen, Delivery, NewEvent, WebhookStore } from "./WebhookStore.js";

export type WebhookDispatcherOptions = {
  store: WebhookStore;
  indexer: Indexer;
  /** The gateway's key: agencies check deliveries against the gateway's account. */
  signer: LocalAccount;
  chainId: number;
  /** Life events, when the services engine runs (it names the schemas). */
  lifeEvents?: { readTo(): number; between(from: number, to: number, onRetiredChain?: boolean): Promise<LifeEvent[]>; fromBlock: number };
  /** Reads the ConsentRegistry's logs. */
  chain: { request<T>(method: string, params?: unknown[]): Promise<T>; maxLogBlockRange: number; consentRegistry: string };
  /** After a chain move: the retired chain, where the consent events and life events before the move are read. */
  retired?: RetiredChain;
  pollIntervalMs?: number;
  retry?: { baseMs: number; maxMs: number; maxAttempts: number };
  /** Per attempt, ms. */
  timeoutMs?: number;
  logger: Logger;
  now?: () => number;
  fetch?: typeof fetch;
};

type RpcLog = { topics: string[]; data: string; blockNumber: string; logIndex: string; transactionHash: string };
const consentInterface = new Interface(consentRegistryAbi);
const GRANTED = consentInterface.getEvent("ConsentGranted")!.topicHash;
const STATUS_CHANGED = consentInterface.getEvent("ConsentStatusChanged")!.topicHash;

const CONSENT_EVENTS = ["consent.granted", "consent.paused", "consent.resumed", "consent.revoked", "consent.expired"] as const;

export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wake = false;
  private moved = false;
  private readonly now: () => number;
  private readonly retry: { baseMs: number; maxMs: number; maxAttempts: number };
  private readonly unlisten: () => void;
  private readonly listeners = new Set<(d: Delivery) => void>();

  constructor(private readonly o: WebhookDispatcherOptions) {
    this.now = o.now ?? Date.now;
    this.retry = o.retry ?? { baseMs: 1_000, maxMs: 300_000, maxAttempts: 15 };
    // A new block may change a consent or anchor a life event: look at once rather than at the next poll.
    this.unlisten = o.indexer.onIndexed(() => this.poke());
  }

  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.tick().catch((error: unknown) => {
        this.o.logger.warn({ event: "webhooks_tick_failed", code: (error as { code?: string }).code ?? "WEBHOOKS_FAULT" }, String((error as Error).message));
      });
      await this.running;
      this.running = undefined;
      if (this.stopped) return;
      const again = this.wake;
      this.wake = false;
      this.timer = setTimeout(() => void loop(), again ? 0 : (this.o.pollIntervalMs ?? 500));
    };
    void loop();
  }

  /** Runs the loop again soon (a block was indexed, a request was sent). */
  poke(): void {
    this.wake = true;
    if (this.timer && !this.running && !this.stopped) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.start();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unlisten();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Called with every delivery whose state changed (tests, benchmarks). */
  onChange(listener: (d: Delivery) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One pass. Exposed for tests. */
  async tick(): Promise<void> {
    await this.continueOnSuccessor();
    await this.watchConsents();
    await this.watchLifeEvents();
    await this.sendDue();
  }

  // ---- consents ----------------------------------------------------------------------------------

  /**
   * After a chain move (retiredChain.ts): puts in the outbox what the retired chain holds after the
   * cursors (consent changes, life events), then stands at the successor's block 0. Refuses
   * (WEBHOOKS_MIGRATION_MISMATCH, nothing changed) cursors that match neither chain. The node runs
   * it while starting; each pass runs it too, so no cursor reads the successor in the retired
   * chain's numbering. Without the services engine nothing names life events: the life cursor moves
   * as it stands.
   */
  async continueOnSuccessor(): Promise<void> {
    const retired = this.o.retired;
    if (!retired || this.moved) return;
    const at = await this.o.store.position();
    checkCursorsOnMove("WEBHOOKS_MIGRATION_MISMATCH", { cursors: { consents: at.consents, "life-event": at.life }, successorChainId: at.successorChainId }, retired);
    if (at.successorChainId !== retired.successorChainId) {
      await this.watchConsents(retired);
      if (this.o.lifeEvents) await this.watchLifeEvents(retired);
      await this.o.store.continueOnSuccessor(retired.successorChainId);
      this.o.logger.info({ event: "webhooks_moved_to_successor", block: retired.block, chainId: retired.successorChainId }, "webhooks continue at the successor's block 0");
    }
    this.moved = true;
  }

  /**
   * Consent events of agencies with endpoints, read from the chain's logs with the outbox's own
   * cursor (`retired`: the rest of the retired chain's, up to its last block).
   */
  private async watchConsents(retired?: RetiredChain): Promise<void> {
    const subs = this.o.store.subscriptions({ active: true }).filter((s) => s.events.some((e) => (CONSENT_EVENTS as readonly string[]).includes(e)));
    const head = retired ? retired.block : Number(BigInt(await this.o.chain.request<string>("eth_blockNumber")));
    // After a move the successor's block numbers start again at 0: its events' keys name the chain, so
    // a change at block N there is not taken for the same change at block N of the retired chain.
    const at = (block: number) => (this.o.retired && !retired ? `${this.o.chainId}:${block}` : String(block));
    const cursor = await this.o.store.consentCursor();
    // Until an agency has an endpoint nothing is watched; from then on, every block after it.
    const from = (cursor ?? (subs.length > 0 ? Math.min(...subs.map((s) => s.fromBlock)) : head)) + 1;
    const seen = new Map<string, ConsentSeen>();
    const events: NewEvent[] = [];
    // `block`: where the change was made; an expiry has none (its key is the end it reached).
    const tell = (c: ConsentSeen, event: WebhookEvent, block?: number) => {
      const asks = WEBHOOK_ACK_EVENTS.includes(event);
      events.push({
        key: `consent:${c.consentId}:${event}:${block === undefined ? c.validUntil : at(block)}`,
        event,
        agency: c.agency,
        citizen: c.citizen,
        ackRequested: asks,
        data: { consentId: c.consentId, citizen: c.citizen, purpose: c.purpose, scopes: c.scopes, validUntil: c.validUntil, ...(block !== undefined ? { block } : {}), ...(asks ? { asks: "delete-cached-data" } : {}) },
      });
    };
    if (from <= head && subs.length > 0) {
      const agencies = new Set(subs.map((s) => s.agency));
      for (const log of await this.logs(from, head, retired?.chain)) {
        const agency = `0x${String(log.topics[3]).slice(26)}`.toLowerCase();
        if (!agencies.has(agency)) continue;
        const parsed = consentInterface.parseLog(log);
        if (!parsed) continue;
        const consentId = String(parsed.args.consentId).toLowerCase();
        const block = Number(BigInt(log.blockNumber));
        if (parsed.name === "ConsentGranted") {
          const c: ConsentSeen = {
            consentId,
            citizen: String(parsed.args.citizen).toLowerCase(),
            agency,
            purpose: String(parsed.args.purpose).toLowerCase(),
            scopes: BigInt(parsed.args.scopes).toString(),
            validUntil: Number(parsed.args.validUntil),
            status: ConsentStatus.Active,
          };
          seen.set(consentId, c);
          tell(c, "consent.granted", block);
          continue;
        }
        const status = Number(parsed.args.status);
        const known = seen.get(consentId) ?? (await this.o.store.consent(consentId)) ?? this.fromIndex(consentId);
        if (!known) continue;
        const c = { ...known, status };
        seen.set(consentId, c);
        if (status === ConsentStatus.Paused) tell(c, "consent.paused", block);
        else if (status === ConsentStatus.Active) tell(c, "consent.resumed", block);
        else if (status === ConsentStatus.Revoked) tell(c, "consent.revoked", block);
      }
    }
    // Expiry is no event on chain: the consents watched for it whose end has passed.
    const expiredTold: ConsentSeen[] = [];
    const nowSeconds = Math.max(Math.floor(this.now() / 1000), this.o.indexer.status().indexedTime);
    for (const id of await this.o.store.expiring(nowSeconds, 500)) {
      const c = seen.get(id) ?? (await this.o.store.consent(id));
      if (!c) continue;
      expiredTold.push(c);
      if (c.status !== ConsentStatus.Revoked) tell(c, "consent.expired");
    }
    const made = await this.o.store.recordConsents({ seen: [...seen.values()], expiredTold, events, ...(from <= head && (cursor !== undefined || subs.length > 0) ? { cursor: head } : {}) }, this.now());
    if (made > 0) this.o.logger.info({ event: "webhooks_queued", count: made }, "consent changes put in the webhook outbox");
  }

  /** A consent granted before the agency's first endpoint, as the index holds it. */
  private fromIndex(consentId: string): ConsentSeen | undefined {
    const v = this.o.indexer.consent(consentId);
    if (!v) return undefined;
    return { consentId, citizen: v.citizen.toLowerCase(), agency: v.agency.toLowerCase(), purpose: v.purpose.toLowerCase(), scopes: v.scopes.toString(), validUntil: Number(v.validUntil), status: v.status };
  }

  private async logs(from: number, to: number, chain: RetiredChain["chain"] = this.o.chain): Promise<RpcLog[]> {
    const out: RpcLog[] = [];
    const step = chain.maxLogBlockRange;
    for (let start = from; start <= to; start += step) {
      const end = Math.min(to, start + step - 1);
      // Two topics, filtered here rather than by an OR-list in topic 0: not every engine's eth_getLogs takes one.
      for (const topic of [GRANTED, STATUS_CHANGED])
        out.push(...(await chain.request<RpcLog[]>("eth_getLogs", [{ address: this.o.chain.consentRegistry, topics: [topic], fromBlock: `0x${start.toString(16)}`, toBlock: `0x${end.toString(16)}` }])));
    }
    // In chain order: a grant before its revocation in the same range.
    return out.sort((a, b) => Number(BigInt(a.blockNumber) - BigInt(b.blockNumber)) || Number(BigInt(a.logIndex) - BigInt(b.logIndex)));
  }

  // ---- life events -------------------------------------------------------------------------------

  /** Life events told to the agencies that serve the citizen (`retired`: the rest of the retired chain's, up to its last block). */
  private async watchLifeEvents(retired?: RetiredChain): Promise<void> {
    const life = this.o.lifeEvents;
    if (!life) return;
    const to = retired ? retired.block : life.readTo();
    const from = ((await this.o.store.lifeCursor()) ?? (retired ? retired.fromBlock : life.fromBlock) - 1) + 1;
    if (to < from) return;
    const subs = this.o.store.subscriptions({ active: true }).filter((s) => s.events.includes("life-event"));
    const events: NewEvent[] = [];
    if (subs.length > 0) {
      const agencies = new Set(subs.map((s) => s.agency));
      const nowSeconds = BigInt(Math.max(Math.floor(this.now() / 1000), this.o.indexer.status().indexedTime));
      for (const e of await life.between(from, to, retired !== undefined)) {
        // Only agencies the citizen serves under an active, unexpired consent hear of the event.
        const serving = new Set(
          this.o.indexer
            .consentsOfCitizen(e.citizen)
            .filter((c) => agencies.has(c.agency.toLowerCase()) && c.status === ConsentStatus.Active && (c.validUntil === 0n || c.validUntil > nowSeconds) && c.validFrom <= nowSeconds)
            .map((c) => c.agency.toLowerCase()),
        );
        for (const agency of serving)
          events.push({ key: `life:${e.credentialHash}`, event: "life-event", agency, citizen: e.citizen, ackRequested: false, data: { citizen: e.citizen, schema: e.schema, credentialHash: e.credentialHash, block: e.block, txHash: e.txHash } });
      }
    }
    const made = await this.o.store.recordLifeEvents(events, to, this.now());
    if (made > 0) this.o.logger.info({ event: "webhooks_queued", count: made }, "life events put in the webhook outbox");
  }

  // ---- sending -----------------------------------------------------------------------------------

  private async sendDue(): Promise<void> {
    for (;;) {
      const due = await this.o.store.due(this.now(), 50);
      if (due.length === 0 || this.stopped) return;
      await Promise.all(due.map((d) => this.send(d)));
    }
  }

  private async send(d: Delivery): Promise<void> {
    const attempts = d.attempts + 1;
    let fault: { code: string; message: string } | undefined;
    try {
      const headers = signDelivery(this.o.signer, { chainId: this.o.chainId, agency: d.agency as `0x${string}`, delivery: d.id as `0x${string}`, event: d.event, body: d.body, timestamp: Math.floor(this.now() / 1000) });
      const res = await (this.o.fetch ?? fetch)(d.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: d.body,
        redirect: "error",
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 5_000),
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.status < 200 || res.status > 299) fault = { code: "WEBHOOK_HTTP_STATUS", message: `the endpoint answered ${res.status}` };
    } catch (error) {
      const name = (error as Error).name;
      fault = name === "TimeoutError" ? { code: "WEBHOOK_TIMEOUT", message: "the endpoint did not answer in time" } : { code: "WEBHOOK_UNREACHABLE", message: "the endpoint could not be reached" };
    }
    const now = this.now();
    const current = (await this.o.store.delivery(d.id)) ?? d;
    // An acknowledgement that arrived while the request was in flight stands.
    const acknowledged = current.state === "acknowledged";
    let after: Delivery;
    if (!fault) {
      after = { ...current, state: acknowledged ? "acknowledged" : "delivered", attempts, deliveredAt: now, lastError: undefined, nextAttemptAt: undefined };
    } else {
      const giveUp = attempts >= this.retry.maxAttempts;
      const wait = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** Math.min(20, attempts - 1));
      after = { ...current, state: acknowledged ? "acknowledged" : "failed", attempts, lastError: fault, nextAttemptAt: giveUp || acknowledged ? undefined : now + wait };
      this.o.logger.warn({ event: "webhook_attempt_failed", delivery: d.id, agency: d.agency, attempts, code: fault.code, giveUp }, "webhook delivery failed");
    }
    const saved = await this.o.store.saveDelivery({ ...after, nextAttemptAt: d.nextAttemptAt }, after);
    if (!fault) this.o.logger.info({ event: "webhook_delivered", delivery: d.id, agency: d.agency, kind: d.event, attempts }, "webhook delivered");
    this.emit(saved);
  }

  emit(d: Delivery): void {
    for (const listener of this.listeners) {
      try {
        listener(d);
      } catch {
        // A listener's fault is its own.
      }
    }
  }
}
