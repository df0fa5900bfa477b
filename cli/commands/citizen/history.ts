import type { ImiClient } from "../../../sdk/clients/createImiClient.js";
import type { Address, Hex } from "../../../sdk/types.js";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
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

export type ProofStatus = "anchored" | "pending";
export type TracedRecord = AccessRecordJson & { categories: string[]; proof: ProofStatus };

/**
 * Marks each record anchored (its batch root is on chain, so its inclusion can be proven against
 * AccessLog) or pending (logged and on disk at the gateway, not yet in an anchored batch).
 */
export async function withProofStatus(client: ImiClient, records: AccessRecordJson[]): Promise<TracedRecord[]> {
  const heads = new Map<string, bigint>();
  for (const gateway of new Set(records.map((r) => r.gateway.toLowerCase())))
    heads.set(gateway, (await client.accessLog.head({ gateway: gateway as Address })).lastSeq);
  return records.map((r) => ({ ...r, categories: scopeNames(r.scopes), proof: BigInt(r.seq) <= (heads.get(r.gateway.toLowerCase()) ?? 0n) ? "anchored" : "pending" }));
}

export type AccessHistoryOptions = NodeOptions & KeyOptions & { citizen?: string; limit?: string; after?: string };

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
  return { citizen, records: await withProofStatus(client, records) };
}
