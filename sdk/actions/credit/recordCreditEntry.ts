import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { writeContract } from "../../internal/contractCall.js";
import { toNonZeroBytes32, toUint } from "../../internal/validate.js";
import type { Hex, Numberish } from "../../types.js";

export type RecordCreditEntryParameters = {
  /** The hash of the entry's credential document (see `credentialHash`). */
  entryId: Hex;
  /** A citizen id or an enterprise id. */
  subject: Hex;
  schemaId: Hex;
  /** Hash of the legal basis (the provision the entry rests on). */
  legalBasis: Hex;
  /** Reason code (uint16). */
  reason: Numberish;
  /** Unix seconds. */
  startsAt: Numberish;
  /** Unix seconds; 0 = until ended. */
  endsAt: Numberish;
  account?: ImiAccount;
};
export type RecordCreditEntryReturnType = { hash: Hex; blockNumber: number; entryId: Hex };

/** A credit authority trusted for the list's schema records a red- or black-list entry. */
export async function recordCreditEntry(client: ImiBaseClient, p: RecordCreditEntryParameters): Promise<RecordCreditEntryReturnType> {
  const entryId = toNonZeroBytes32("entryId", p.entryId);
  const { hash, blockNumber } = await writeContract(client, {
    action: "recordCreditEntry",
    account: p.account,
    contract: "creditRegistry",
    functionName: "recordEntry",
    args: [
      entryId,
      toNonZeroBytes32("subject", p.subject),
      toNonZeroBytes32("schemaId", p.schemaId),
      toNonZeroBytes32("legalBasis", p.legalBasis),
      toUint("reason", p.reason, 16),
      toUint("startsAt", p.startsAt, 64),
      toUint("endsAt", p.endsAt, 64),
    ],
  });
  return { hash, blockNumber, entryId };
}
