// The indexed state: maps in memory for microsecond reads, mirrored to LevelDB by the ops that
// `apply` returns. Everything is keyed by lower-case hex. Values hold bigints as decimal strings
// on disk (see `encode`/`decode`).
import { ConsentStatus, IssuerStatus } from "../decisions.js";

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

export class ViewState {
  readonly identities = new Map<string, IdentityView>();
  readonly keys = new Map<string, string>();
  readonly guardians = new Map<string, GuardianView>();
  readonly roles = new Map<string, RoleView>();
  readonly consents = new Map<string, ConsentView>();
  readonly statutory = new Map<string, StatutoryView>();
  readonly credentials = new Map<string, CredentialView>();
  /** root:credentialHash -> a batched credential's own record in that batch (CredentialRegistry._batched). */
  readonly batchedCredentials = new Map<string, CredentialView>();
  readonly batches = new Map<string, BatchView>();
  /** schemaId:issuer -> trusted */
  readonly trust = new Map<string, boolean>();
  /** schemaId -> deprecated */
  readonly schemas = new Map<string, { deprecated: boolean }>();
  readonly consentsByCitizen = new Map<string, Set<string>>();
  readonly consentsByAgency = new Map<string, Set<string>>();
  /**
   * citizen:agency:purpose -> the newest consent's id (ConsentRegistry.latestConsent), kept as
   * consents are put, so an access that names no consent costs one lookup, not a scan of every
   * consent the citizen ever gave.
   */
  readonly latestConsent = new Map<string, string>();
  readonly statutoryByCitizen = new Map<string, Set<string>>();
  readonly credentialsBySubject = new Map<string, Set<string>>();

  /** Loads one stored entry (key prefix decides the map). */
  load(key: string, raw: unknown): void {
    const [kind, ...rest] = key.split(":");
    const id = rest.join(":");
    switch (kind) {
      case "id":
        this.identities.set(id, decode(raw));
        break;
      case "key":
        this.keys.set(id, raw as string);
        break;
      case "g":
        this.guardians.set(id, decode(raw));
        break;
      case "r":
        this.roles.set(id, decode(raw));
        break;
      case "c":
        this.putConsent(decode(raw));
        break;
      case "s":
        this.putStatutory(decode(raw));
        break;
      case "cr":
        this.putCredential(decode(raw));
        break;
      case "bc":
        this.batchedCredentials.set(id, decode(raw));
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

  putConsent(c: ConsentView): void {
    this.consents.set(c.consentId, c);
    const triple = `${c.citizen}:${c.agency}:${c.purpose}`;
    const newest = this.consents.get(this.latestConsent.get(triple) ?? "");
    // Grant order is (block, log index); load order is not (a reload iterates by key).
    if (!newest || c.grantedBlock > newest.grantedBlock || (c.grantedBlock === newest.grantedBlock && (c.grantedLogIndex ?? 0) >= (newest.grantedLogIndex ?? 0))) {
      this.latestConsent.set(triple, c.consentId);
    }
    addTo(this.consentsByCitizen, c.citizen, c.consentId);
    addTo(this.consentsByAgency, c.agency, c.consentId);
  }

  putCredential(c: CredentialView): void {
    this.credentials.set(c.credentialHash, c);
    addTo(this.credentialsBySubject, c.subject, c.credentialHash);
  }

  putStatutory(s: StatutoryView): void {
    this.statutory.set(s.grantId, s);
    addTo(this.statutoryByCitizen, s.citizen, s.grantId);
  }
}

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(id);
}
