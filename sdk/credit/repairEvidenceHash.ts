// The evidence hash a credit-repair application carries (CreditRegistry.applyForRepair): one hash over
// the SHA-256 digests of the evidence files, in the order given. The files stay with the applicant (or
// are read by the authority from the department that holds them); the chain holds only this hash, and
// anyone holding the same files computes the same value. Pure: the web app computes it in the browser.
import { AbiCoder, keccak256 } from "ethers";
import { toBytes32 } from "../internal/validate.js";
import { InvalidInputError } from "../errors/errors.js";
import type { Hex } from "../types.js";

/** keccak256(abi.encode(bytes32[] digests)) of the files' SHA-256 digests; at least one file. */
export function repairEvidenceHash(digests: readonly Hex[]): Hex {
  if (digests.length === 0) throw new InvalidInputError("NO_EVIDENCE", "digests", "Name at least one evidence file.");
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32[]"], [digests.map((d, i) => toBytes32(`digests[${i}]`, d))])) as Hex;
}
