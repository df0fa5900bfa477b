import type { Consent } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { bytes32, scopeNames } from "../../internal/parse.js";

export type ListConsentsOptions = NodeOptions & KeyOptions & { citizen?: string; status?: string };
export type ConsentRow = Omit<Consent, "scopes" | "validFrom" | "validUntil" | "maxUses" | "grantedAt" | "updatedAt"> & {
  scopes: string;
  categories: string[];
  validFrom: number;
  validUntil: number;
  maxUses: number;
  grantedAt: number;
  updatedAt: number;
};

/** A citizen's consents as the chain holds them (walked from ConsentGranted events), oldest first. */
export async function listConsents(options: ListConsentsOptions): Promise<{ citizen: Hex; consents: ConsentRow[] }> {
  const statuses = options.status?.split(",").map((s) => s.trim());
  if (statuses?.some((s) => !["active", "paused", "revoked"].includes(s))) throw usage("INVALID_STATUS", "--status: active, paused, revoked (comma-separated)");
  const explicit = options.citizen === undefined ? undefined : bytes32("--citizen", options.citizen);
  const node = await connect(options);
  let citizen = explicit;
  if (!citizen) {
    const account = await loadKey(options);
    citizen = (await node.client().identity.identityOf({ key: account.address })) ?? undefined;
    if (!citizen) throw usage("NOT_A_CITIZEN", `the key ${account.address} controls no identity; name one with --citizen`);
  }
  const consents = await node.client().consent.list({ citizen, ...(statuses ? { status: statuses as Consent["status"][] } : {}) });
  return {
    citizen,
    consents: consents.map((c) => ({
      ...c,
      scopes: c.scopes.toString(),
      categories: scopeNames(c.scopes),
      validFrom: Number(c.validFrom),
      validUntil: Number(c.validUntil),
      maxUses: Number(c.maxUses),
      grantedAt: Number(c.grantedAt),
      updatedAt: Number(c.updatedAt),
    })),
  };
}
