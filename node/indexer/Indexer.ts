import { Level } from "level";
import { storeOptions } from "../storage/levelOptions.js";
import type { Logger } from "pino";
import { WebSocket } from "ws";
import { NodeError } from "../NodeError.js";
import { reopenWhenRoom, StoreHealth, type PartStatus } from "../storage/StoreHealth.js";
import { IMI_ROLES, type Transport } from "@imi-ledger/sdk";
import {
  ConsentStatus,
  Decision,
  effectiveCredentialStatus,
  decide,
  guardianLapse,
  type CredentialStatus,
  type Lapse,
} from "./decisions.js";
import { LogApplier, type RpcLog, type WatchedContracts } from "./internal/applyLogs.js";
import {
  decode,
  grantPosition,
  upgradeViewLayout,
  ViewState,
  type BatchView,
  type ConsentView,
  type CredentialView,
  type GuardianView,
  type IdentityView,
  type LevelOp,
  type StatutoryView,
} from "./internal/ViewState.js";

const ZERO32 = "0x" + "0".repeat(64);

export type IndexerConfig = {
  /** Directory of the index's LevelDB; created if missing. */
  dir: string;
  /** JSON-RPC of any EVM node (SDK transport: HTTP or EIP-1193). */
  rpc: Transport;
  contracts: WatchedContracts;
  /** First block to scan on an empty index (the deployment block). */
  fromBlock?: number;
  /** WebSocket JSON-RPC for `eth_subscribe("newHeads")`: follow new blocks as they are sealed. */
  wsUrl?: string;
  /** Poll the head this often (ms); also the fallback when no WebSocket is given. 0: only on `sync()`. */
  pollIntervalMs?: number;
  /** Most blocks fetched by one eth_getLogs during catch-up. */
  maxBlockRange?: number;
  /**
   * Entries each disk view (identities, keys, consents, credentials, lookups) keeps cached in
   * memory. The gateway's memory is bounded by this, not by the district's size. Default 50,000.
   */
  cacheEntries?: number;
  logger?: Logger;
};

export type IndexerStatus = {
  /** The block the view reflects. */
  indexedBlock: number;
  /** Timestamp (unix s) of the indexed block: chain time as the view knows it. */
  indexedTime: number;
  /** The newest head seen on the chain. */
  headBlock: number;
  /** Wall-clock ms of the last successful contact with the chain (0: never). */
  lastHeadAt: number;
  /** Last failure reaching the chain or writing the index, cleared by the next success. */
  error: string | undefined;
};

/** Where an index stands (Indexer.readPosition); block -1: empty. */
export type IndexPosition = { block: number; hash: string | undefined; successorChainId: number | undefined };

/** Which grant a decision was taken under. */
export type GrantBasis = "consent" | "statutory" | "none";

export type AccessDecision = {
  decision: Decision;
  basis: GrantBasis;
  /** Consent's use limit (0 = unlimited, statutory: 0). */
  maxUses: number;
};

export type IdentityCheck = {
  citizen: string;
  active: boolean;
  level: number;
  /** The key is the identity's controller. */
  isController: boolean;
  /** The key is an active guardian of the identity (scopes covering `scopes` when given). */
  isGuardian: boolean;
};

/**
 * Follows IMI's contract events into LevelDB views and answers from memory. Each block range is
 * written in one LevelDB batch together with the cursor, so a crash never leaves a half-applied
 * block: on restart the view resumes from the last complete range.
 */
export class Indexer {
  // Replaced, not mutated, when the view is reloaded from disk after a failed write.
  private state: ViewState;
  private applier: LogApplier;
  private indexed = -1;
  /** Hash of block `indexed`, to notice if the chain under the view changed (a reorg or a reset). */
  private indexedHash: string | undefined;
  /** Timestamp of block `indexed` (unix s). */
  private indexedTime = 0;
  private head = -1;
  private lastHeadAt = 0;
  private error: string | undefined;
  private syncing: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private ws: WebSocket | undefined;
  private closed = false;
  private readonly listeners = new Set<(block: number) => void>();

  private constructor(
    private readonly db: Level<string, unknown>,
    private readonly config: IndexerConfig,
  ) {
    this.state = new ViewState(db, config.cacheEntries ?? DEFAULT_CACHE_ENTRIES);
    this.applier = new LogApplier(this.state, config.contracts);
    this.health = new StoreHealth({
      part: "index",
      code: "INDEX_STORAGE",
      message: "The index cannot be written.",
      recover: () => this.recover(),
      logger: config.logger,
    });
  }

  /**
   * After a failed write memory is ahead of disk: the index answers nothing (status error
   * INDEX_STORAGE) until it has reopened its database and reloaded the view from it, and then
   * follows the chain again from the last range on disk.
   */
  private readonly health: StoreHealth;

  private async recover(): Promise<void> {
    if (this.closed) throw new NodeError("INDEX_CLOSED", "The index was closed.");
    await this.syncing?.catch(() => undefined);
    await reopenWhenRoom(this.db, this.config.dir);
    await this.db.batch([{ type: "put", key: "m:probe", value: 0 }, { type: "del", key: "m:probe" }], { sync: true });
    await this.loadView();
  }

  private async loadView(): Promise<void> {
    // Only the small views are read at start; the ones that grow with the district stay on disk,
    // so a restart does not scale with the number of citizens.
    const state = new ViewState(this.db, this.config.cacheEntries ?? DEFAULT_CACHE_ENTRIES);
    await state.loadMemory();
    const stored = (await this.db.get("m:block")) as number | undefined;
    this.indexed = stored ?? (this.config.fromBlock ?? 0) - 1;
    this.indexedHash = (await this.db.get("m:hash")) as string | undefined;
    this.indexedTime = ((await this.db.get("m:time")) as number | undefined) ?? 0;
    this.state = state;
    this.applier = new LogApplier(state, this.config.contracts);
  }

  /** The index's part of /readyz (its storage; the chain's reachability is reported as CHAIN_UNAVAILABLE). */
  storageStatus(): PartStatus {
    return this.health.status();
  }

  /** Where a closed index stands: the last block it holds, that block's hash, and the chain it continues on after a migration. */
  static async readPosition(dir: string): Promise<IndexPosition> {
    const db = new Level<string, unknown>(dir, storeOptions({ valueEncoding: "json" }));
    try {
      await db.open();
      const [block, hash, successor] = await db.getMany(["m:block", "m:hash", "m:successor"]);
      return { block: (block as number | undefined) ?? -1, hash: hash as string | undefined, successorChainId: successor as number | undefined };
    } catch (cause) {
      throw new NodeError("INDEX_STORAGE", `The index at ${dir} cannot be opened.`, { cause });
    } finally {
      await db.close();
    }
  }

  /**
   * Moves a closed index from a retired chain to the network that continues it (docs/scale-out.md):
   * the view holds the retired chain's history up to `retired.block`, whose state the successor's
   * genesis (block 0) carries, so the index stands at the successor's block 0 and reads only its
   * later blocks. Refused (INDEX_MIGRATION_MISMATCH, nothing changed) unless the index stands
   * exactly at the retired block.
   */
  static async continueOnSuccessor(
    dir: string,
    move: { retired: { block: number; blockHash: string }; successor: { chainId: number; genesisHash: string; genesisTime: number } },
  ): Promise<void> {
    const at = await Indexer.readPosition(dir);
    if (at.successorChainId === move.successor.chainId) return;
    if (at.block !== move.retired.block || at.hash !== move.retired.blockHash.toLowerCase()) {
      throw new NodeError("INDEX_MIGRATION_MISMATCH", `The index stands at block ${at.block}, not at block ${move.retired.block} where the chain was retired.`, {
        details: { indexed: at.block, retired: move.retired.block },
      });
    }
    const db = new Level<string, unknown>(dir, storeOptions({ valueEncoding: "json" }));
    await db.open();
    try {
      const ops: Array<{ type: "put"; key: string; value: unknown }> = [
        { type: "put", key: "m:block", value: 0 },
        { type: "put", key: "m:hash", value: move.successor.genesisHash.toLowerCase() },
        { type: "put", key: "m:time", value: move.successor.genesisTime },
        { type: "put", key: "m:successor", value: move.successor.chainId },
      ];
      await db.batch(ops, { sync: true });
    } finally {
      await db.close();
    }
  }

  static async open(config: IndexerConfig): Promise<Indexer> {
    const db = new Level<string, unknown>(config.dir, storeOptions({ valueEncoding: "json" }));
    try {
      await db.open();
    } catch (cause) {
      throw new NodeError("INDEX_STORAGE", `The index at ${config.dir} cannot be opened.`, { cause });
    }
    try {
      await upgradeViewLayout(db);
    } catch (cause) {
      await db.close();
      throw new NodeError("INDEX_STORAGE", `The index at ${config.dir} cannot be brought to the current layout.`, { cause });
    }
    const indexer = new Indexer(db, config);
    await indexer.loadView();
    return indexer;
  }

  /** Starts following the chain (polling and, when configured, a newHeads subscription). */
  start(): void {
    const interval = this.config.pollIntervalMs ?? 250;
    if (interval > 0) {
      const tick = () => {
        if (this.closed) return;
        this.sync().catch(() => undefined).finally(() => {
          if (!this.closed) this.timer = setTimeout(tick, interval);
        });
      };
      tick();
    }
    if (this.config.wsUrl) this.subscribe(this.config.wsUrl);
  }

  private subscribe(url: string): void {
    if (this.closed) return;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.on("open", () => ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] })));
    ws.on("message", () => void this.sync().catch(() => undefined));
    ws.on("error", () => undefined);
    ws.on("close", () => {
      if (!this.closed) setTimeout(() => this.subscribe(url), 500).unref();
    });
  }

  /** Catches up to the chain's current head. Concurrent callers share one run; a call during a run schedules one more. */
  sync(): Promise<void> {
    if (this.syncing) {
      this.again = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.again = false;
          await this.syncOnce();
        } while (this.again && !this.closed);
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    this.health.assertOk();
    // The head and the continuity check, then each range's logs and its last block, are asked for
    // together: two round trips for a new block instead of four in a row. While a new head is not
    // indexed the gateway holds every access (INDEX_BEHIND after indexWaitMs); under a stream of
    // accesses the gateway's own access-log anchors seal a block a second, and four round trips
    // through a busy event loop outlasted the wait, so accesses were refused in bursts.
    const [head] = await Promise.all([
      this.config.rpc.request<string>("eth_blockNumber").then(
        (hex) => Number(BigInt(hex)),
        (cause: unknown) => {
          this.fail("CHAIN_UNREACHABLE");
          throw new NodeError("CHAIN_UNREACHABLE", "The chain did not answer eth_blockNumber.", { cause });
        },
      ),
      this.checkContinuity(),
    ]);
    this.head = Math.max(this.head, head);
    this.lastHeadAt = Date.now();
    const range = this.config.maxBlockRange ?? 2_000;
    while (this.indexed < head && !this.closed) {
      const from = this.indexed + 1;
      const to = Math.min(head, from + range - 1);
      const [logs, toHash] = await Promise.all([
        this.config.rpc.request<RpcLog[]>("eth_getLogs", [{ fromBlock: toQuantity(from), toBlock: toQuantity(to), address: this.applier.addresses() }]).catch((cause: unknown) => {
          this.fail("CHAIN_UNREACHABLE");
          throw new NodeError("CHAIN_UNREACHABLE", "The chain did not answer eth_getLogs.", { cause });
        }),
        this.blockHash(to),
      ]);
      const toTime = this.lastBlockTime;
      logs.sort((x, y) => Number(BigInt(x.blockNumber) - BigInt(y.blockNumber)) || Number(BigInt(x.logIndex) - BigInt(y.logIndex)));
      await this.addBlockTimes(logs);
      const ops: LevelOp[] = [];
      for (const log of logs) if (!log.removed) this.applier.apply(log, ops);
      this.state.finishRange(ops);
      ops.push({ type: "put", key: "m:block", value: to }, { type: "put", key: "m:hash", value: toHash }, { type: "put", key: "m:time", value: toTime });
      try {
        await this.db.batch(ops as Array<{ type: "put"; key: string; value: unknown } | { type: "del"; key: string }>);
      } catch (cause) {
        // Memory is now ahead of disk: stop answering until the view is reloaded from disk.
        throw this.health.fail(cause);
      }
      this.state.commit();
      this.indexed = to;
      this.indexedHash = toHash;
      this.indexedTime = toTime;
      for (const listener of this.listeners) listener(to);
    }
    if (this.error !== undefined) this.config.logger?.info({ event: "index-recovered", block: this.indexed }, "index following the chain again");
    this.error = undefined;
  }

  /** Records a failure; logs it once per change (one line per outage, not per poll). */
  private fail(code: string): void {
    if (this.error !== code) this.config.logger?.warn({ event: "index-fault", code, block: this.indexed }, "index cannot follow the chain");
    this.error = code;
  }

  private async blockHash(n: number): Promise<string> {
    let block: { hash: string; timestamp: string } | null;
    try {
      block = await this.config.rpc.request<{ hash: string; timestamp: string } | null>("eth_getBlockByNumber", [toQuantity(n), false]);
    } catch (cause) {
      this.fail("CHAIN_UNREACHABLE");
      throw new NodeError("CHAIN_UNREACHABLE", "The chain did not answer eth_getBlockByNumber.", { cause });
    }
    if (!block) {
      this.fail("INDEX_REORG");
      throw new NodeError("INDEX_REORG", `The chain has no block ${n} any more.`);
    }
    this.lastBlockTime = Number(BigInt(block.timestamp));
    return block.hash.toLowerCase();
  }

  private lastBlockTime = 0;

  /** Fills `blockTimestamp` on the logs the applier needs it for, when the node did not send it. */
  private async addBlockTimes(logs: RpcLog[]): Promise<void> {
    const times = new Map<string, string>();
    for (const log of logs) {
      if (log.removed || log.blockTimestamp !== undefined || !this.applier.needsTime(log)) continue;
      let time = times.get(log.blockNumber);
      if (time === undefined) {
        let block: { timestamp: string } | null;
        try {
          block = await this.config.rpc.request<{ timestamp: string } | null>("eth_getBlockByNumber", [log.blockNumber, false]);
        } catch (cause) {
          this.fail("CHAIN_UNREACHABLE");
          throw new NodeError("CHAIN_UNREACHABLE", "The chain did not answer eth_getBlockByNumber.", { cause });
        }
        if (!block) {
          this.fail("INDEX_REORG");
          throw new NodeError("INDEX_REORG", `The chain has no block ${log.blockNumber} any more.`);
        }
        time = block.timestamp;
        times.set(log.blockNumber, time);
      }
      log.blockTimestamp = time;
    }
  }

  /**
   * The view is only valid on the chain it was built from. IMI's chains finalize at once (a single
   * sealer, or QBFT), so a different block at the indexed height means the chain was replaced or
   * rewound: stop answering (fail closed) instead of deciding from a view of another history.
   */
  private async checkContinuity(): Promise<void> {
    if (this.indexed < 0 || this.indexedHash === undefined) return;
    const hash = await this.blockHash(this.indexed).catch((error: NodeError) => {
      if (error.code === "INDEX_REORG") return undefined;
      throw error;
    });
    if (hash !== this.indexedHash) {
      this.fail("INDEX_REORG");
      this.closed = true;
      throw new NodeError("INDEX_REORG", `Block ${this.indexed} changed under the index; rebuild it from an empty directory.`);
    }
  }

  /** Asks the chain for its head without indexing (readiness probes, lag checks). */
  async checkHead(): Promise<number> {
    try {
      const head = Number(BigInt(await this.config.rpc.request<string>("eth_blockNumber")));
      this.head = Math.max(this.head, head);
      this.lastHeadAt = Date.now();
      return head;
    } catch (cause) {
      this.fail("CHAIN_UNREACHABLE");
      throw new NodeError("CHAIN_UNREACHABLE", "The chain did not answer eth_blockNumber.", { cause });
    }
  }

  status(): IndexerStatus {
    return { indexedBlock: this.indexed, indexedTime: this.indexedTime, headBlock: this.head, lastHeadAt: this.lastHeadAt, error: this.health.ok ? this.error : "INDEX_STORAGE" };
  }

  /** Called after each indexed range with its last block. */
  onIndexed(listener: (block: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the view reflects `block` (or later). */
  async waitForBlock(block: number): Promise<void> {
    while (this.indexed < block) {
      if (this.closed) throw new NodeError("INDEX_CLOSED", "The index was closed.");
      await this.sync();
      if (this.indexed < block) await new Promise((r) => setTimeout(r, 20));
    }
  }

  // ------------------------------------------------------------------ views

  /** Whether `account` holds `role` now with no execution delay, as AccessManager.hasRole + delay 0. */
  hasRole(role: bigint, account: string, now: bigint): boolean {
    const r = this.state.roles.get(`${role}:${account.toLowerCase()}`);
    if (!r || r.since === 0n || r.since > now) return false;
    const delay = r.effect !== 0n && r.effect <= now ? r.pendingDelay : r.delay;
    return delay === 0;
  }

  identity(citizen: string): IdentityView | undefined {
    return this.state.identities.get(citizen.toLowerCase());
  }

  /** The identity a key currently controls. */
  identityOfKey(key: string): string | undefined {
    return this.state.keys.get(key.toLowerCase());
  }

  guardian(citizen: string, guardian: string): GuardianView | undefined {
    return this.state.guardians.get(`${citizen.toLowerCase()}:${guardian.toLowerCase()}`);
  }

  /** The active guardians of `citizen` now. */
  guardiansOf(citizen: string, now: bigint): GuardianView[] {
    return this.state.guardiansOfCitizen(citizen.toLowerCase()).filter((v) => !v.removed && now < v.expiresAt);
  }

  /** Citizens for which `guardian` is an active guardian now. */
  wardsOf(guardian: string, now: bigint): string[] {
    return this.state
      .guardianshipsOf(guardian.toLowerCase())
      .filter((v) => !v.removed && now < v.expiresAt)
      .map((v) => v.citizen);
  }

  /** IdentityRegistry.authorizes: controller, or a guardian covering `scopes`. */
  checkIdentityKey(citizen: string, key: string, scopes: bigint, now: bigint): IdentityCheck | undefined {
    const id = this.identity(citizen);
    if (!id) return undefined;
    const k = key.toLowerCase();
    const active = id.status === 1;
    const g = this.guardian(citizen, k);
    const isGuardian = active && !!g && !g.removed && now < g.expiresAt && (scopes & ~g.scopes) === 0n;
    return { citizen: id.citizen, active, level: id.level, isController: active && id.controller === k, isGuardian };
  }

  consent(consentId: string): ConsentView | undefined {
    return this.state.consents.get(consentId.toLowerCase());
  }

  statutoryGrant(grantId: string): StatutoryView | undefined {
    return this.state.statutory.get(grantId.toLowerCase());
  }

  /** Every consent the citizen gave, in grant order (a citizen gives few). */
  consentsOfCitizen(citizen: string): ConsentView[] {
    return (this.state.consentsByCitizen.get(citizen.toLowerCase()) ?? []).map((id) => this.state.consents.get(id)!);
  }

  /**
   * Every consent granted to `agency`, in grant order, read from the index's ordered keys as the
   * caller walks it (an agency may hold a million: neither the index nor this walk holds the
   * list). For one page, {@link consentsOfAgencyPage}.
   */
  async *consentsOfAgency(agency: string): AsyncGenerator<ConsentView> {
    const prefix = `xa:${agency.toLowerCase()}:`;
    for await (const id of this.db.values({ gte: prefix, lt: prefix.slice(0, -1) + ";" })) yield this.consentById(id as unknown as string);
  }

  /**
   * One page of the consents granted to `agency`, in grant order, after the consent at grant
   * position `after` ([block, log index]) when given. An agency may hold a million: the page is
   * read from the index's ordered keys, never the whole list. Consents of the range being indexed
   * right now appear once it is written.
   */
  async consentsOfAgencyPage(agency: string, limit: number, after?: readonly [number, number]): Promise<{ consents: ConsentView[]; more: boolean }> {
    const prefix = `xa:${agency.toLowerCase()}:`;
    const ids: string[] = [];
    const from = after ? { gt: prefix + grantPosition(after[0], after[1]) } : { gte: prefix };
    for await (const id of this.db.values({ ...from, lt: prefix.slice(0, -1) + ";", limit: limit + 1 })) ids.push(id as unknown as string);
    const more = ids.length > limit;
    return { consents: ids.slice(0, limit).map((id) => this.consentById(id)), more };
  }

  private consentById(id: string): ConsentView {
    return this.state.consents.get(id) ?? decode<ConsentView>(this.db.getSync(`c:${id}`));
  }

  /** Entries of the views held wholly in memory (roles, guardians, statutory grants, batches, trust, schemas): few, whatever the district's size. */
  memoryEntries(): number {
    return this.state.memoryEntries();
  }

  /** Entries of the disk views held in memory now (for the footprint figures; bounded by `cacheEntries`). */
  cachedEntries(): number {
    return this.state.cachedEntries();
  }

  /** Every statutory grant, in the order they were granted (the auditor's review list). */
  statutoryGrants(): StatutoryView[] {
    return [...this.state.statutory.values()].sort((a, b) => a.grantedBlock - b.grantedBlock);
  }

  /** Statutory grants naming the citizen, and those covering every citizen. */
  statutoryForCitizen(citizen: string): StatutoryView[] {
    const ids = [...(this.state.statutoryByCitizen.get(citizen.toLowerCase()) ?? []), ...(this.state.statutoryByCitizen.get(ZERO32) ?? [])];
    return ids.map((id) => this.state.statutory.get(id)!);
  }

  /** The newest consent for (citizen, agency, purpose), as ConsentRegistry.latestConsent. */
  latestConsent(citizen: string, agency: string, purpose: string): string {
    return this.state.latestConsent.get(`${citizen.toLowerCase()}:${agency.toLowerCase()}:${purpose.toLowerCase()}`) ?? ZERO32;
  }

  /** ConsentRegistry.check over the view, at chain time `now` (unix seconds). */
  checkAccess(grantId: string, agency: string, citizen: string, scopes: bigint, purpose: string, now: bigint): AccessDecision {
    const g = grantId.toLowerCase();
    const a = agency.toLowerCase();
    const c = citizen.toLowerCase();
    const p = purpose.toLowerCase();
    const citizenActive = this.state.identities.get(c)?.status === 1;
    const agencyAuthorized = this.hasRole(BigInt(IMI_ROLES.agency), a, now);
    const consent = this.state.consents.get(g);
    if (consent && consent.status !== ConsentStatus.None) {
      let decision = decide({ terms: consent, citizenMatches: consent.citizen === c, status: consent.status, agency: a, scopes, purpose: p, citizenActive, agencyAuthorized, now });
      // Last, as ConsentRegistry.check: every other refusal keeps its own reason.
      if (decision === Decision.Allowed && this.consentLapse(consent, now) !== 0) decision = Decision.GuardianLapsed;
      return { basis: "consent", maxUses: consent.maxUses, decision };
    }
    const st = this.state.statutory.get(g);
    if (!st) return { basis: "none", maxUses: 0, decision: Decision.UnknownGrant };
    return {
      basis: "statutory",
      maxUses: 0,
      decision: decide({
        terms: st,
        citizenMatches: st.citizen === ZERO32 || st.citizen === c,
        status: st.revoked ? ConsentStatus.Revoked : ConsentStatus.Active,
        agency: a,
        scopes,
        purpose: p,
        citizenActive,
        agencyAuthorized,
        now,
      }),
    };
  }

  /** ConsentRegistry.lapseOf over the view: why a guardian's grant no longer stands (0: it stands). */
  consentLapse(consent: ConsentView, now: bigint): Lapse {
    const g = this.guardian(consent.citizen, consent.grantedBy);
    return guardianLapse({
      byGuardian: consent.byGuardian,
      confirmed: consent.confirmed === true,
      guardianSince: consent.guardianSince ?? 0n,
      guardian: g ? { addedAt: g.addedAt ?? 0n, removed: g.removed, expiresAt: g.expiresAt } : { addedAt: 0n, removed: false, expiresAt: 0n },
      now,
    });
  }

  credential(hash: string): CredentialView | undefined {
    return this.state.credentials.get(hash.toLowerCase());
  }

  /** A batched credential's own record in batch `root` (CredentialRegistry.getBatchedCredential). */
  batchedCredential(root: string, hash: string): CredentialView | undefined {
    return this.state.batchedCredentials.get(`${root.toLowerCase()}:${hash.toLowerCase()}`);
  }

  /** CredentialRegistry.statusOf over the view. */
  credentialStatus(hash: string, now: bigint): CredentialStatus {
    const v = this.credential(hash);
    if (!v || v.batchRoot !== ZERO32) return 0;
    return effectiveCredentialStatus(v.status, v.validFrom, v.validUntil, now);
  }

  batch(root: string): BatchView | undefined {
    return this.state.batches.get(root.toLowerCase());
  }

  isTrustedIssuer(schemaId: string, issuer: string): boolean {
    return this.state.trust.get(`${schemaId.toLowerCase()}:${issuer.toLowerCase()}`) === true;
  }

  /** Every credential anchored singly for `subject` (batched ones name no subject on chain). */
  credentialsOfSubject(subject: string): CredentialView[] {
    return [...(this.state.credentialsBySubject.get(subject.toLowerCase()) ?? [])].map((hash) => this.state.credentials.get(hash)!);
  }

  /** Valid credentials anchored for `subject` under `schemaId`. */
  validCredentialsOf(subject: string, schemaId: string, now: bigint): CredentialView[] {
    const s = subject.toLowerCase();
    const sc = schemaId.toLowerCase();
    const out: CredentialView[] = [];
    for (const hash of this.state.credentialsBySubject.get(s) ?? []) {
      const v = this.state.credentials.get(hash)!;
      if (v.schemaId === sc && this.credentialStatus(v.credentialHash, now) === 1 && this.isTrustedIssuer(sc, v.issuer)) out.push(v);
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.health.close();
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
    await this.syncing?.catch(() => undefined);
    await this.db.close();
  }
}

const DEFAULT_CACHE_ENTRIES = 50_000;

function toQuantity(n: number): string {
  return "0x" + n.toString(16);
}

export function openIndexer(config: IndexerConfig): Promise<Indexer> {
  return Indexer.open(config);
}
