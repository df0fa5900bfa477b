import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { getEvents, readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export const REPAIR_STATUSES = ["none", "pending", "approved", "rejected"] as const;
export type RepairStatus = (typeof REPAIR_STATUSES)[number];

export type CreditRepair = {
  repairId: bigint;
  entryId: Hex;
  evidenceHash: Hex;
  applicant: Address;
  status: RepairStatus;
  filedAt: bigint;
  decidedAt: bigint;
  decidedBy: Address;
  decisionReason: number;
};

export type GetCreditRepairsParameters = {
  /** Only the applications for this entry. */
  entryId?: Hex;
  /** Only applications now in one of these statuses (the authority's queue: ["pending"]). */
  status?: readonly RepairStatus[];
  fromBlock?: number;
};
export type GetCreditRepairsReturnType = CreditRepair[];

/** Repair applications, oldest first, with their current state (walked from `RepairFiled`). */
export async function getCreditRepairs(client: ImiBaseClient, p: GetCreditRepairsParameters = {}): Promise<GetCreditRepairsReturnType> {
  const entryId = p.entryId === undefined ? null : toBytes32("entryId", p.entryId);
  const events = await getEvents(client, { contract: "creditRegistry", eventName: "RepairFiled", topics: [null, entryId], fromBlock: p.fromBlock });
  const repairs = await Promise.all(
    events.map(async (e) => {
      const repairId = BigInt(e.args.repairId as bigint);
      const raw = await readContract(client, { contract: "creditRegistry", functionName: "getRepair", args: [repairId] });
      return {
        repairId,
        entryId: raw.entryId,
        evidenceHash: raw.evidenceHash,
        applicant: raw.applicant,
        status: REPAIR_STATUSES[Number(raw.status)] ?? "none",
        filedAt: raw.filedAt,
        decidedAt: raw.decidedAt,
        decidedBy: raw.decidedBy,
        decisionReason: Number(raw.decisionReason),
      };
    }),
  );
  return p.status ? repairs.filter((r) => p.status!.includes(r.status)) : repairs;
}
