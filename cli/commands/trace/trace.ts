import type { Address } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { gatewayJson, staffLogin } from "../../internal/gateway.js";
import { address, bytes32, integer, purpose as parsePurpose, time } from "../../internal/parse.js";
import { loadNames } from "../../internal/names.js";
import { verifyProofs, withNames, withProofStatus, type AccessRecordJson, type TracedRecord } from "../citizen/history.js";

export type TraceOptions = NodeOptions & KeyOptions & { verbose?: boolean } & { citizen?: string; agency?: string; purpose?: string; from?: string; to?: string; limit?: string; after?: string; verify?: boolean };
export type TraceResult = { filter: Record<string, string>; records: TracedRecord[] };

/** An auditor traces accesses by citizen, agency, purpose and time range, each with its proof status. */
export async function traceAccesses(options: TraceOptions): Promise<TraceResult> {
  const filter: Record<string, string> = {};
  if (options.citizen !== undefined) filter.citizen = bytes32("--citizen", options.citizen);
  if (options.agency !== undefined) filter.agency = address("--agency", options.agency).toLowerCase() as Address;
  if (options.purpose !== undefined) filter.purpose = parsePurpose(options.purpose).code;
  if (options.from !== undefined) filter.fromTime = String(time("--from", options.from));
  if (options.to !== undefined) filter.toTime = String(time("--to", options.to));
  if (filter.fromTime && filter.toTime && Number(filter.fromTime) > Number(filter.toTime)) throw usage("INVALID_TIME", "--from is after --to");
  filter.limit = String(options.limit === undefined ? 100 : integer("--limit", options.limit, 1, 1000));
  if (options.after !== undefined) filter.afterSeq = String(integer("--after", options.after, 0, 1e15));
  const node = await connect(options);
  const gateway = node.requireGateway();
  const auditor = await loadKey(options);
  const token = await staffLogin(gateway, node.deployment.chainId, auditor);
  const { records } = await gatewayJson<{ records: AccessRecordJson[] }>(gateway, `/v1/audit/accesses?${new URLSearchParams(filter)}`, { token });
  const [traced, names] = await Promise.all([withProofStatus(node.client(), records), loadNames(node, options.verbose)]);
  return { filter, records: withNames(options.verify ? await verifyProofs(node.client(), gateway, traced) : traced, names) };
}

