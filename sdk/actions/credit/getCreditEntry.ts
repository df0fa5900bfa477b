import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";
import { CREDIT_LIST_KINDS } from "./defineCreditList.js";

export const CREDIT_ENTRY_STATUSES = ["unknown", "listed", "not-yet-listed", "expired", "ended"] as const;
export type CreditEntryStatus = (typeof CREDIT_ENTRY_STATUSES)[number];

export type GetCreditEntryParameters = { entryId: Hex };
export type CreditEntry = {
  entryId: Hex;
  status: CreditEntryStatus;
  subject: Hex;
  subjectKind: "citizen" | "enterprise" | "none";
  schemaId: Hex;
  list: { kind: (typeof CREDIT_LIST_KINDS)[number]; published: boolean };
  legalBasis: Hex;
  authority: Address;
  reason: number;
  startsAt: bigint;
  endsAt: bigint;
  recordedAt: bigint;
  endedAt: bigint;
  endReason: number;
  /** The application waiting for a decision, or 0n. */
  pendingRepair: bigint;
};
export type GetCreditEntryReturnType = CreditEntry;

/** A credit entry with its status now, its list and any pending repair application. */
export async function getCreditEntry(client: ImiBaseClient, p: GetCreditEntryParameters): Promise<GetCreditEntryReturnType> {
  const entryId = toBytes32("entryId", p.entryId);
  const [raw, status, pendingRepair] = await Promise.all([
    readContract(client, { contract: "creditRegistry", functionName: "getEntry", args: [entryId] }),
    readContract(client, { contract: "creditRegistry", functionName: "entryStatus", args: [entryId] }),
    readContract(client, { contract: "creditRegistry", functionName: "pendingRepairOf", args: [entryId] }),
  ]);
  const list = await readContract(client, { contract: "creditRegistry", functionName: "getList", args: [raw.schemaId] });
  return {
    entryId,
    status: CREDIT_ENTRY_STATUSES[Number(status)] ?? "unknown",
    subject: raw.subject,
    subjectKind: (["none", "citizen", "enterprise"] as const)[Number(raw.subjectKind)] ?? "none",
    schemaId: raw.schemaId,
    list: { kind: CREDIT_LIST_KINDS[Number(list.kind)] ?? "none", published: list.published },
    legalBasis: raw.legalBasis,
    authority: raw.authority,
    reason: Number(raw.reason),
    startsAt: raw.startsAt,
    endsAt: raw.endsAt,
    recordedAt: raw.recordedAt,
    endedAt: raw.endedAt,
    endReason: Number(raw.endReason),
    pendingRepair,
  };
}
