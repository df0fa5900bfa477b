import type { Consent } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { loadNames } from "../../internal/names.js";
import { bytes32, scopeNames } from "../../internal/parse.js";

export type ListConsentsOptions = NodeOptions & KeyOptions & { citizen?: string; status?: string; verbose?: boolean };
export type ConsentState = "active" | "paused" | "revoked" | "expired" | "not yet valid" | "lapsed";
export type ConsentRow = Omit<Consent, "scopes" | "validFrom" | "validUntil" | "maxUses" | "grantedAt" | "updatedAt" | "uses"> & {
  scopes: string;
  categories: string[];
  validFrom: number;
  validUntil: number;
  maxUses: number;
  /** Reads counted on chain so far (counted only for a limited consent). */
  uses: number;
  grantedAt: number;
  updatedAt: number;
  /** What the consent means today: `status` as stored, or expired / not yet valid by its dates. */
  state: ConsentState;
  agencyName: string;
  purposeName: string;
};

const STATES: readonly string[] = ["active", "paused", "revoked", "expired", "not yet valid", "lapsed"];

/** A consent's state today: the stored status, unless its dates have put an active one out of force. */
export function consentState(c: { status: string; validFrom: number; validUntil: number; lapse?: string }, nowSeconds = Math.floor(Date.now() / 1000)): ConsentState {
  if (c.status !== "active") return c.status as ConsentState;
  // A guardian's grant whose guardianship ended (and the citizen never confirmed it).
  if (c.lapse !== undefined && c.lapse !== "none") return "lapsed";
  if (c.validUntil !== 0 && c.validUntil <= nowSeconds) return "expired";
  if (c.validFrom > nowSeconds) return "not yet valid";
  return "active";
}

/** A citizen's consents as the chain holds them (walked from ConsentGranted events), oldest first, with names for people. */
export async function listConsents(options: ListConsentsOptions): Promise<{ citizen: Hex; consents: ConsentRow[] }> {
  const states = options.status?.split(",").map((s) => s.trim());
  if (states?.some((s) => !STATES.includes(s))) throw usage("INVALID_STATUS", `--status: ${STATES.join(", ")} (comma-separated)`);
  const explicit = options.citizen === undefined ? undefined : bytes32("--citizen", options.citizen);
  const node = await connect(options);
  let citizen = explicit;
  if (!citizen) {
    const account = await loadKey(options);
    citizen = (await node.client().identity.identityOf({ key: account.address })) ?? undefined;
    if (!citizen) throw usage("NOT_A_CITIZEN", `the key ${account.address} controls no identity; name one with --citizen`);
  }
  const [consents, names] = await Promise.all([node.client().consent.list({ citizen }), loadNames(node, options.verbose)]);
  const rows = consents.map((c) => {
    const row = {
      ...c,
      scopes: c.scopes.toString(),
      categories: scopeNames(c.scopes),
      validFrom: Number(c.validFrom),
      validUntil: Number(c.validUntil),
      maxUses: Number(c.maxUses),
      uses: Number(c.uses),
      grantedAt: Number(c.grantedAt),
      updatedAt: Number(c.updatedAt),
      agencyName: names.account(c.agency),
      purposeName: names.purpose(c.purpose),
    };
    return { ...row, state: consentState(row) };
  });
  return { citizen, consents: states ? rows.filter((c) => states.includes(c.state)) : rows };
}
