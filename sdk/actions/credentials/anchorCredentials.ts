import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { InvalidInputError } from "../../errors/errors.js";
import { writeContract } from "../../internal/contractCall.js";
import { toBytes32, toNonZeroBytes32, toUint } from "../../internal/validate.js";
import type { Hex, Numberish } from "../../types.js";

export type AnchorCredentialsParameters = {
  /** Up to 256 credentials, each with its subject (zero/omitted for none). */
  credentials: readonly { credentialHash: Hex; subject?: Hex }[];
  schemaId: Hex;
  validFrom?: Numberish;
  validUntil?: Numberish;
  account?: ImiAccount;
};
export type AnchorCredentialsReturnType = { hash: Hex; blockNumber: number; count: number };

/**
 * Anchors several credentials individually in one transaction (`anchorMany`): each keeps its own
 * subject and status, unlike a batch, which anchors only a root.
 */
export async function anchorCredentials(client: ImiBaseClient, p: AnchorCredentialsParameters): Promise<AnchorCredentialsReturnType> {
  if (p.credentials.length === 0 || p.credentials.length > 256)
    throw new InvalidInputError("INVALID_BATCH", "credentials", "Anchor between 1 and 256 credentials at once.");
  const hashes = p.credentials.map((c, i) => toNonZeroBytes32(`credentials[${i}].credentialHash`, c.credentialHash));
  const subjects = p.credentials.map((c, i) => toBytes32(`credentials[${i}].subject`, c.subject ?? `0x${"0".repeat(64)}`));
  const { hash, blockNumber } = await writeContract(client, {
    action: "anchorCredentials",
    account: p.account,
    contract: "credentialRegistry",
    functionName: "anchorMany",
    args: [hashes, subjects, toNonZeroBytes32("schemaId", p.schemaId), toUint("validFrom", p.validFrom ?? 0, 64), toUint("validUntil", p.validUntil ?? 0, 64)],
  });
  return { hash, blockNumber, count: hashes.length };
}
