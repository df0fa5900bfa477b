import type { ImiClient } from "@imi-ledger/sdk";
import type { Address, Hex } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { loadNames, type Names } from "../../internal/names.js";
import { reasonText } from "../../internal/refusals.js";
import { usage } from "../../internal/errors.js";
import { citizenLogin, gatewayJson } from "../../internal/gateway.js";
import { bytes32, integer, scopeNames } from "../../internal/parse.js";

export type AccessRecordJson = {
  seq: number;
  time: number;
  gateway: Address;
  agency: Address;
  citizen: Hex;
  kind: string;
  scopes: string;
  purpose: Hex;
  grantId: Hex;
  basis: string;
  decision: string;
  reason: string;
  requestHash: Hex;
  responseHash: Hex;
  recordHash: Hex;
};

export type ProofStatus = "anchored" | "pending" | "unbatched";
export type TracedRecord = AccessRecordJson & {
  categories: string[];
  proof: ProofStatus;
  /** For people: the agency's name, the purpose's name, the reason in words. */
  agencyName?: string;
  purposeName?: string;
  reasonText?: string;
  /** With --verify: the record's inclusion proof checked against the root anchored on chain. */
  verified?: boolean;
};

/**
 * Each record's proof status, checked on chain rather than taken from the gateway: "anchored" when
 * its sequence number is within the gateway's last batch anchored in AccessLog (so its inclusion
 * can be proven), otherwise what the gateway says ("pending": in a batch not anchored yet,
 * "unbatched": waiting for its batch), or "pending" when it says nothing.
 */
export async function withProofStatus(client: ImiClient, records: Array<AccessRecordJson & { proof?: { status?: string } }>): Promise<TracedRecord[]> {
  const heads = new Map<string, bigint>();
  for (const gateway of new Set(records.map((r) => r.gateway.toLowerCase())))
    heads.set(gateway, (await client.accessLog.head({ gateway: gateway as Address })).lastSeq);
  return records.map((r) => {
    const onChain = BigInt(r.seq) <= (heads.get(r.gateway.toLowerCase()) ?? 0n);
    const said = r.proof?.status === "unbatched" ? "unbatched" : "pending";
    return { ...r, categories: scopeNames(r.scopes), proof: onChain ? "anchored" : said };
  });
}

/**
 * Fetches each anchored record's inclusion proof from the gateway (GET /v1/receipts/:seq, which
 * needs the record hash) and verifies it with the SDK against the root anchored on chain: the
 * gateway cannot claim an access was logged unless the chain agrees.
 */
export async function verifyProofs(client: ImiClient, gateway: string, records: TracedRecord[]): Promise<TracedRecord[]> {
  return Promise.all(
    records.map(async (r) => {
      if (r.proof !== "anchored") return r;
      const answer = await gatewayJson<{ record: AccessRecordJson; proof: Hex[]; batch: { root: Hex; index: number } }>(
        gateway,
        `/v1/receipts/${r.seq}?recordHash=${r.recordHash}`,
      );
      const verdict = await client.accessLog.verifyProof({ proof: { record: answer.record as never, batch: answer.batch, proof: answer.proof } });
      return { ...r, verified: verdict.valid && answer.record.recordHash.toLowerCase() === r.recordHash.toLowerCase() };
    }),
  );
}

/** Names for people on each record (agency, purpose, the reason in words); hex stays in the JSON fields. */
export function withNames(records: TracedRecord[], names: Names): TracedRecord[] {
  return records.map((r) => ({ ...r, agencyName: names.account(r.agency), purposeName: names.purpose(r.purpose), reasonText: r.decision === "allowed" || r.reason === "ALLOWED" ? "" : reasonText(r.reason) }));
}

export type AccessHistoryOptions = NodeOptions & KeyOptions & { verbose?: boolean } & { citizen?: string; limit?: string; after?: string; verify?: boolean };

/** Who read what of my data, when, why and with what answer, from the gateway's log (citizen login). */
export async function accessHistory(options: AccessHistoryOptions): Promise<{ citizen: Hex; records: TracedRecord[] }> {
  const limit = options.limit === undefined ? 100 : integer("--limit", options.limit, 1, 1000);
  const after = options.after === undefined ? undefined : integer("--after", options.after, 0, 1e15);
  const explicit = options.citizen === undefined ? undefined : bytes32("--citizen", options.citizen);
  const node = await connect(options);
  const gateway = node.requireGateway();
  const account = await loadKey(options);
  const client = node.client(account);
  const citizen = explicit ?? (await client.identity.identityOf({ key: account.address }));
  if (!citizen) throw usage("NOT_A_CITIZEN", `the key ${account.address} controls no identity; a guardian names it with --citizen`);
  const { token } = await citizenLogin(gateway, node.deployment.chainId, account, citizen);
  const query = new URLSearchParams({ limit: String(limit), ...(after === undefined ? {} : { afterSeq: String(after) }) });
  const { records } = await gatewayJson<{ records: AccessRecordJson[] }>(gateway, `/v1/citizen/accesses?${query}`, { token });
  const [traced, names] = await Promise.all([withProofStatus(client, records), loadNames(node, options.verbose)]);
  return { citizen, records: withNames(options.verify ? await verifyProofs(client, gateway, traced) : traced, names) };
}
