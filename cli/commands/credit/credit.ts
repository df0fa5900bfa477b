// The credit authority's and the subject's commands: lists, entries, repair, and the public lookup.
import { keccak256, toUtf8Bytes } from "ethers";
import {
  relayApplyForCreditRepair,
  signApplyForCreditRepair,
  decideCreditRepair,
  defineCreditList,
  getCreditEntry,
  getCreditRepairs,
  getPublicCreditEntries,
  createGatewayClient,
  randomBytes32,
  recordCreditEntry,
  type CreditEntry,
  type CreditRepair,
  type Hex,
  type PublicCreditAnswer,
} from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { bytes32, integer, time } from "../../internal/parse.js";
import { enterpriseArg } from "../enterprise/subject.js";

/** A hash given as 0x…32 bytes, or the keccak256 of a text (a legal provision, an evidence reference). */
function hashOf(option: string, value: string | undefined): Hex {
  if (value === undefined || value.trim() === "") throw usage("INVALID_HASH", `${option}: give a 32-byte hash or a text to hash`);
  return /^0x[0-9a-fA-F]{64}$/.test(value) ? (value.toLowerCase() as Hex) : (keccak256(toUtf8Bytes(value)) as Hex);
}

/** A subject: an enterprise's code, or a 32-byte citizen or enterprise id. */
function subjectOf(value: string): Hex {
  return enterpriseArg("--subject", value);
}

export type DefineListOptions = NodeOptions & KeyOptions & { schema: string; kind: string; public?: boolean };

export async function defineList(options: DefineListOptions): Promise<{ schemaId: Hex; kind: "red" | "black"; published: boolean; txHash: Hex }> {
  const schemaId = bytes32("--schema", options.schema);
  if (options.kind !== "red" && options.kind !== "black") throw usage("INVALID_LIST_KIND", '--kind: "red" or "black"');
  const node = await connect(options);
  const { hash } = await defineCreditList(node.client(await loadKey(options, "governor")), { schemaId, kind: options.kind, published: options.public === true });
  return { schemaId, kind: options.kind, published: options.public === true, txHash: hash };
}

export type RecordEntryOptions = NodeOptions & KeyOptions & { schema: string; subject: string; legalBasis: string; reason: string; from?: string; until?: string; entry?: string };

export async function recordEntry(options: RecordEntryOptions): Promise<{ entryId: Hex; subject: Hex; schemaId: Hex; startsAt: number; endsAt: number; txHash: Hex }> {
  const schemaId = bytes32("--schema", options.schema);
  const subject = subjectOf(options.subject);
  const legalBasis = hashOf("--legal-basis", options.legalBasis);
  const reason = integer("--reason", options.reason, 0, 65535);
  const startsAt = options.from === undefined ? Math.floor(Date.now() / 1000) : Math.floor(time("--from", options.from) / 1000);
  const endsAt = options.until === undefined ? 0 : Math.floor(time("--until", options.until) / 1000);
  const entryId = options.entry === undefined ? randomBytes32() : bytes32("--entry", options.entry);
  const node = await connect(options);
  const { hash } = await recordCreditEntry(node.client(await loadKey(options, "credit-authority")), { entryId, subject, schemaId, legalBasis, reason, startsAt, endsAt });
  return { entryId, subject, schemaId, startsAt, endsAt, txHash: hash };
}

export async function showEntry(options: NodeOptions & { entry: string }): Promise<CreditEntry & { repairs: CreditRepair[] }> {
  const entryId = bytes32("<entry>", options.entry);
  const node = await connect(options);
  const client = node.client();
  const entry = await getCreditEntry(client, { entryId });
  if (entry.status === "unknown") throw usage("UNKNOWN_ENTRY", `<entry>: no credit entry ${entryId}`);
  const repairs = await getCreditRepairs(client, { entryId, fromBlock: node.deployment.fromBlock });
  return { ...entry, repairs };
}

export type ApplyRepairOptions = NodeOptions & KeyOptions & { entry: string; evidence: string };

export async function applyRepair(options: ApplyRepairOptions): Promise<{ repairId: bigint; entryId: Hex; evidenceHash: Hex; txHash: Hex }> {
  const entryId = bytes32("--entry", options.entry);
  const evidenceHash = hashOf("--evidence", options.evidence);
  const node = await connect(options);
  // The subject's key (or its representative's) signs; the gateway relays, as for every citizen action.
  const gateway = createGatewayClient({ url: node.requireGateway() });
  const signed = await signApplyForCreditRepair(node.client(await loadKey(options)), { entryId, evidenceHash });
  const r = await relayApplyForCreditRepair(gateway, { entryId, evidenceHash, authorization: signed.authorization });
  return { repairId: BigInt(r.repairId), entryId, evidenceHash, txHash: r.txHash as Hex };
}

export type DecideRepairOptions = NodeOptions & KeyOptions & { repair: string; approve?: boolean; reject?: boolean; reason: string };

export async function decideRepair(options: DecideRepairOptions): Promise<{ repairId: bigint; approved: boolean; reason: number; txHash: Hex }> {
  if (options.approve === options.reject) throw usage("DECISION_REQUIRED", "say --approve or --reject");
  const repairId = BigInt(integer("<repair>", options.repair, 1, Number.MAX_SAFE_INTEGER));
  const reason = integer("--reason", options.reason, 0, 65535);
  const node = await connect(options);
  const { hash } = await decideCreditRepair(node.client(await loadKey(options, "credit-authority")), { repairId, approve: options.approve === true, reason });
  return { repairId, approved: options.approve === true, reason, txHash: hash };
}

/** The authority's queue: pending applications, oldest first, with their age in seconds. */
export async function repairQueue(options: NodeOptions): Promise<{ pending: Array<CreditRepair & { ageSeconds: number }> }> {
  const node = await connect(options);
  const pending = await getCreditRepairs(node.client(), { status: ["pending"], fromBlock: node.deployment.fromBlock });
  const now = Math.floor(Date.now() / 1000);
  return { pending: pending.map((r) => ({ ...r, ageSeconds: Math.max(0, now - Number(r.filedAt)) })) };
}

/** The public (公示) lookup through the gateway: anyone, no key. */
export async function publicLookup(options: NodeOptions & { code?: string; subject?: string }): Promise<PublicCreditAnswer> {
  if ((options.code === undefined) === (options.subject === undefined)) throw usage("SUBJECT_REQUIRED", "give --code or --subject");
  const node = await connect(options);
  const gateway = createGatewayClient({ url: node.requireGateway() });
  if (options.code !== undefined) {
    enterpriseArg("--code", options.code);
    return getPublicCreditEntries(gateway, { code: options.code });
  }
  return getPublicCreditEntries(gateway, { subject: bytes32("--subject", options.subject) });
}
