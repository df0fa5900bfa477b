import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import type { ImiAccount } from "../../clients/accounts.js";
import { InvalidInputError } from "../../errors/errors.js";
import { writeContract } from "../../internal/contractCall.js";
import { merkleTree, standardBytes32Leaf } from "../../internal/merkle.js";
import { toNonZeroBytes32, toUint } from "../../internal/validate.js";
import type { Hex, Numberish } from "../../types.js";

export type CredentialBatch = {
  root: Hex;
  count: number;
  /** credential hash → inclusion proof for `statusOfBatched` / `setBatchedStatus`. */
  proofs: Map<Hex, Hex[]>;
};

/**
 * The Merkle tree the CredentialRegistry expects: OpenZeppelin's StandardMerkleTree over the single
 * type `bytes32` (leaf `keccak256(bytes.concat(keccak256(abi.encode(hash))))`). Pure.
 */
export function buildCredentialBatch(credentialHashes: readonly Hex[]): CredentialBatch {
  if (credentialHashes.length === 0) throw new InvalidInputError("INVALID_BATCH", "credentialHashes", "A batch needs at least one credential.");
  const hashes = credentialHashes.map((h, i) => toNonZeroBytes32(`credentialHashes[${i}]`, h));
  if (new Set(hashes).size !== hashes.length) throw new InvalidInputError("INVALID_BATCH", "credentialHashes", "A batch must not repeat a hash.");
  const tree = merkleTree(hashes.map(standardBytes32Leaf), { sortLeaves: true });
  const proofs = new Map<Hex, Hex[]>();
  hashes.forEach((h, i) => proofs.set(h, tree.proof(i)));
  return { root: tree.root, count: hashes.length, proofs };
}

export type AnchorCredentialBatchParameters = {
  credentialHashes: readonly Hex[];
  schemaId: Hex;
  validFrom?: Numberish;
  validUntil?: Numberish;
  account?: ImiAccount;
};
export type AnchorCredentialBatchReturnType = CredentialBatch & { hash: Hex; blockNumber: number };

/** Anchors many credentials as one Merkle root; returns each credential's inclusion proof. */
export async function anchorCredentialBatch(
  client: ImiBaseClient,
  p: AnchorCredentialBatchParameters,
): Promise<AnchorCredentialBatchReturnType> {
  const batch = buildCredentialBatch(p.credentialHashes);
  const { hash, blockNumber } = await writeContract(client, {
    action: "anchorCredentialBatch",
    account: p.account,
    contract: "credentialRegistry",
    functionName: "anchorBatch",
    args: [batch.root, batch.count, toNonZeroBytes32("schemaId", p.schemaId), toUint("validFrom", p.validFrom ?? 0, 64), toUint("validUntil", p.validUntil ?? 0, 64)],
  });
  return { ...batch, hash, blockNumber };
}
