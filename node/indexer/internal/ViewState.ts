// The indexed state, written to LevelDB by the ops that `apply` returns. What grows with the
// district (identities, keys, consents, credentials and the per-citizen lookups) is read from disk
// through bounded caches (DiskMap); what stays small (roles, guardians, statutory grants, batches,
// trust, schemas) is held in memory and loaded at start. Everything is keyed by lower-case hex.
// Values hold bigints as tagged strings on disk (see `encode`/`decode`).
import type { Level } from "level";
import { ConsentStatus, IssuerStatus } from "../decisions.js";
import { DiskMap } from "./DiskMap.js";

export type IdentityView = {
  citizen: string;
  controller: string;
  status: 1 | 2; // Active | Deactivated
  level: number;
  commitment: string;
  registeredBlock: number;
};

/** `addedAt`: timestamp of the appointing block, as IdentityRegistry records it (a consent granted under it remembers it). */
export type GuardianView = { citizen: string; guardian: string; scopes: bigint; expiresAt: bigint; removed: boolean; addedAt: bigint };

/** AccessManager membership; `delay` applies until `effect`, then `pendingDelay`. */
export type RoleView = { role: bigint; account: string; since: bigint; delay: number; pendingDelay: number; effect: bigint };

export type ConsentView = {
  consentId: string;
  citizen: string;
  agency: string;
  scopes: bigint;
  purpose: string;
  validFrom: bigint;
  validUntil: bigint;
  maxUses: number;
  status: ConsentStatus;
  byGuardian: boolean;
  grantedBy: string;
  /** For a guardian's grant: `addedAt` of the guardianship it was granted under (ConsentRegistry's `guardianSince`). */
  guardianSince: bigint;
  /** The citizen's own key confirmed a guardian's grant. */
  confirmed: boolean;
  /** Uses counted on chain by ConsentRegistry.consume (limited consents). */
  uses: number;
  grantedBlock: number;
  /** Log index of the grant in its block: with grantedBlock, the order of grants. */
  grantedLogIndex: number;
  updatedBlock: number;
};

export type StatutoryView = {
  grantId: string;
  citizen: string;
  agency: string;
  scopes: bigint;
  purpose: string;
  legalBasis: string;
  validFrom: bigint;
  validUntil: bigint;
  revoked: boolean;
  reviewed: boolean;
  grantedBlock: number;
};

export type CredentialView = {
  credentialHash: string;
  schemaId: string;
  issuer: string;
  subject: string;
  validFrom: bigint;
  validUntil: bigint;
  status: IssuerStatus;
  /** Set when the status was last changed through a batch (then statusOf answers Unknown). */
  batchRoot: string;
  reason: number;
};

export type BatchView = { root: string; schemaId: string; issuer: string; count: number; validFrom: bigint; validUntil: bigint; status: IssuerStatus };

export type LevelOp = { type: "put"; key: string; value: unknown } | { type: "del"; key: string };

const BIG = "$big:";

/** JSON-safe copy with bigints tagged, for LevelDB. */
export function encode(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? BIG + v.toString() : v)));
}

export function decode<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value), (_k, v) => (typeof v === "string" && v.startsWith(BIG) ? BigInt(v.slice(BIG.length)) : v)) as T;
}

/** The on-disk layout this code reads; an index written in another layout is rebuilt from the chain. */
export const VIEW_FORMAT = 2;

/** Key prefixes of the views held in memory (loaded at start; a district has few of each). */
const MEMORY_PREFIXES = ["g", "r", "s", "b", "t", "sch"] as const;

/** A consent's place in grant order, as a key part that sorts as the order does. */
export function grantPosition(block: number, logIndex: number): string {
  return `${String(block).padStart(12, "0")}-${String(logIndex).padStart(6, "0")}`;
}

export class ViewState {
  readonly identities: DiskMap<IdentityView>;
  readonly keys: DiskMap<string>;
  readonly consents: DiskMap<ConsentView>;
  readonly credentials: DiskMap<CredentialView>;
  /** root:credentialHash -> a batched credential's own record in that batch (CredentialRegistry._batched). */
  readonly batchedCredentials: DiskMap<CredentialView>;
  /**
   * citizen:agency:purpose -> the newest consent's id (ConsentRegistry.latestConsent), kept as
   * consents are put, so an access that names no consent costs one lookup, not a scan of every
   * consent the citizen ever gave.
   */
  readonly latestConsent: DiskMap<string>;
  /**
   * citizen -> ids of the consents it gave (a citizen gives few). An agency's list is not held
   * here: one agency may hold a million consents (about 90 bytes each in memory), so its list is
   * only the ordered `xa:<agency>:<grant position>` keys on disk, read in pages.
   */
  readonly consentsByCitizen: DiskMap<string[]>;
  /** subject -> hashes of the credentials anchored singly for it. */
  readonly credentialsBySubject: DiskMap<string[]>;

  readonly guardians = new Map<string, GuardianView>();
  private readonly guardiansByCitizen = new Map<string, Set<string>>();
  private readonly guardiansByGuardian = new Map<string, Set<string>>();
  readonly roles = new Map<string, RoleView>();
  readonly statutory = new Map<string, StatutoryView>();
  readonly statutoryByCitizen = new Map<string, Set<string>>();
  readonly batches = new Map<string, BatchView>();
  /** schemaId:issuer -> trusted */
  readonly trust = new Map<string, boolean>();
  /** schemaId -> deprecated */
  readonly schemas = new Map<string, { deprecated: boolean }>();

  private readonly disk: Array<{ commit(): void; readonly cached: number }>;

  constructor(
    readonly db: Level<string, unknown>,
    cacheEntries: number,
  ) {
    const asIs = <T>(raw: unknown) => raw as T;
    this.identities = new DiskMap(db, "id", decode<IdentityView>, cacheEntries);
    this.keys = new DiskMap(db, "key", asIs<string>, cacheEntries);
    this.consents = new DiskMap(db, "c", decode<ConsentView>, cacheEntries);
    this.credentials = new DiskMap(db, "cr", decode<CredentialView>, cacheEntries);
    this.batchedCredentials = new DiskMap(db, "bc", decode<CredentialView>, cacheEntries);
    this.latestConsent = new DiskMap(db, "lc", asIs<string>, cacheEntries);
    this.consentsByCitizen = new DiskMap(db, "xc", asIs<string[]>, cacheEntries);
    this.credentialsBySubject = new DiskMap(db, "xs", asIs<string[]>, cacheEntries);
    this.disk = [this.identities, this.keys, this.consents, this.credentials, this.batchedCredentials, this.latestConsent, this.consentsByCitizen, this.credentialsBySubject];
  }

  /** Loads the views held in memory; the rest is read from disk when asked for. */
  async loadMemory(): Promise<void> {
    for (const prefix of MEMORY_PREFIXES) {
      // ';' follows ':' in byte order: the range holds exactly the keys "<prefix>:...".
      for await (const [key, raw] of this.db.iterator({ gte: `${prefix}:`, lt: `${prefix};` })) {
        const id = key.slice(prefix.length + 1);
        switch (prefix) {
          case "g":
            this.putGuardian(id, decode(raw));
            break;
          case "r":
            this.roles.set(id, decode(raw));
            break;
          case "s":
            this.putStatutory(decode(raw));
            break;
          case "b":
            this.batches.set(id, decode(raw));
            break;
          case "t":
            this.trust.set(id, raw as boolean);
            break;
          case "sch":
            this.schemas.set(id, raw as { deprecated: boolean });
            break;
        }
      }
    }
  }

  /** The range's LevelDB batch is written: the disk views' pending entries are now on disk. */
  commit(): void {
    for (const map of this.disk) map.commit();
  }

  /** Entries of the views held wholly in memory; each is small in a district (see MEMORY_PREFIXES). */
  memoryEntries(): number {
    return this.guardians.size + this.roles.size + this.statutory.size + this.batches.size + this.trust.size + this.schemas.size;
  }

  /** Entries of the disk views held in memory now (bounded by the caches, plus a range's pending writes). */
  cachedEntries(): number {
    return this.disk.reduce((n, map) => n + map.cached, 0);
  }

  /** A new consent (ConsentGranted), with its lookups: by citizen, by agency (in grant order), newest per (citizen, agency, purpose). */
  putConsent(c: ConsentView, ops: LevelOp[]): void {
    const isNew = !this.consents.has(c.consentId);
    this.consents.set(c.consentId, c);
    ops.push({ type: "put", key: `c:${c.consentId}`, value: encode(c) });
    const triple = `${c.citizen}:${c.agency}:${c.purpose}`;
    const newest = this.consents.get(this.latestConsent.get(triple) ?? "");
    // Grant order is (block, log index).
    if (!newest || newest.consentId === c.consentId || c.grantedBlock > newest.grantedBlock || (c.grantedBlock === newest.grantedBlock && (c.grantedLogIndex ?? 0) >= (newest.grantedLogIndex ?? 0))) {
      this.latestConsent.set(triple, c.consentId);
      ops.push({ type: "put", key: `lc:${triple}`, value: c.consentId });
    }
    if (!isNew) return;
    const mine = this.consentsByCitizen.get(c.citizen) ?? [];
    mine.push(c.consentId);
    this.consentsByCitizen.set(c.citizen, mine);
    this.dirtyLists.add(`xc:${c.citizen}`);
    ops.push({ type: "put", key: `xa:${c.agency}:${grantPosition(c.grantedBlock, c.grantedLogIndex ?? 0)}`, value: c.consentId });
  }

  /** A credential anchored singly, or its status changed. */
  putCredential(c: CredentialView, ops: LevelOp[]): void {
    const isNew = !this.credentials.has(c.credentialHash);
    this.credentials.set(c.credentialHash, c);
    ops.push({ type: "put", key: `cr:${c.credentialHash}`, value: encode(c) });
    if (!isNew) return;
    const list = this.credentialsBySubject.get(c.subject) ?? [];
    list.push(c.credentialHash);
    this.credentialsBySubject.set(c.subject, list);
    this.dirtyLists.add(`xs:${c.subject}`);
  }

  /** Lists changed in the range being applied, written once each when it ends (not once per entry added). */
  private readonly dirtyLists = new Set<string>();

  /** Appends the writes of the per-citizen and per-subject lists the range changed; call once, before the range's batch. */
  finishRange(ops: LevelOp[]): void {
    for (const key of this.dirtyLists) {
      const id = key.slice(3);
      ops.push({ type: "put", key, value: key.startsWith("xc:") ? this.consentsByCitizen.get(id) : this.credentialsBySubject.get(id) });
    }
    this.dirtyLists.clear();
  }

  putStatutory(s: StatutoryView): void {
    this.statutory.set(s.grantId, s);
    addTo(this.statutoryByCitizen, s.citizen, s.grantId);
  }

  putGuardian(id: string, g: GuardianView): void {
    this.guardians.set(id, g);
    addTo(this.guardiansByCitizen, g.citizen, id);
    addTo(this.guardiansByGuardian, g.guardian, id);
  }

  /** Every guardianship (current or ended) of `citizen`. */
  guardiansOfCitizen(citizen: string): GuardianView[] {
    return [...(this.guardiansByCitizen.get(citizen) ?? [])].map((id) => this.guardians.get(id)!);
  }

  /** Every guardianship (current or ended) held by `guardian`. */
  guardianshipsOf(guardian: string): GuardianView[] {
    return [...(this.guardiansByGuardian.get(guardian) ?? [])].map((id) => this.guardians.get(id)!);
  }
}

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(id);
}

/**
 * Brings an index written by an older layout to {@link VIEW_FORMAT} in place: the per-citizen and
 * per-agency lookups and the newest consent per (citizen, agency, purpose) used to be rebuilt in
 * memory at every start; now they are keys of their own. Built once from the stored consents and
 * credentials (the chain is not asked: a migrated index may stand on a chain that no longer has
 * the old logs), in one batch with the format mark, so a crash midway leaves the old layout whole.
 */
export async function upgradeViewLayout(db: Level<string, unknown>): Promise<void> {
  if ((await db.get("m:format")) === VIEW_FORMAT) return;
  const ops: LevelOp[] = [];
  const consents: ConsentView[] = [];
  for await (const [, raw] of db.iterator({ gte: "c:", lt: "c;" })) consents.push(decode(raw));
  consents.sort((a, b) => a.grantedBlock - b.grantedBlock || (a.grantedLogIndex ?? 0) - (b.grantedLogIndex ?? 0));
  const byCitizen = new Map<string, string[]>();
  const latest = new Map<string, string>();
  for (const c of consents) {
    byCitizen.set(c.citizen, [...(byCitizen.get(c.citizen) ?? []), c.consentId]);
    latest.set(`${c.citizen}:${c.agency}:${c.purpose}`, c.consentId);
    ops.push({ type: "put", key: `xa:${c.agency}:${grantPosition(c.grantedBlock, c.grantedLogIndex ?? 0)}`, value: c.consentId });
  }
  for (const [citizen, ids] of byCitizen) ops.push({ type: "put", key: `xc:${citizen}`, value: ids });
  for (const [triple, id] of latest) ops.push({ type: "put", key: `lc:${triple}`, value: id });
  const bySubject = new Map<string, string[]>();
  for await (const [, raw] of db.iterator({ gte: "cr:", lt: "cr;" })) {
    const c = decode<CredentialView>(raw);
    bySubject.set(c.subject, [...(bySubject.get(c.subject) ?? []), c.credentialHash]);
  }
  for (const [subject, hashes] of bySubject) ops.push({ type: "put", key: `xs:${subject}`, value: hashes });
  ops.push({ type: "put", key: "m:format", value: VIEW_FORMAT });
  await db.batch(ops as Array<{ type: "put"; key: string; value: unknown } | { type: "del"; key: string }>, { sync: true });
}
