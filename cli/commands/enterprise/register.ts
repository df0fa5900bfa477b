import { normalizeCreditCode, randomBytes32, recordCommitment, registerEnterprise as register, InvalidInputError, type Hex } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { bytes32 } from "../../internal/parse.js";

export type RegisterEnterpriseOptions = NodeOptions & KeyOptions & { code: string; legalRepresentative: string; name?: string };
export type RegisterEnterpriseResult = { enterprise: Hex; code: string; legalRepresentative: Hex; commitment: Hex; salt: Hex; txHash: Hex };

/**
 * The legal-person counter registers an enterprise. The chain gets the id derived from the code, the
 * salted commitment of the register record and the legal representative's citizen id; the record and
 * its salt are printed for the counter's own files (the vault for enterprise records is not built yet).
 */
export async function registerEnterprise(options: RegisterEnterpriseOptions): Promise<RegisterEnterpriseResult> {
  let code: string;
  try {
    code = normalizeCreditCode(options.code);
  } catch (error) {
    if (error instanceof InvalidInputError) throw usage(error.code, `--code: ${error.shortMessage}`);
    throw error;
  }
  const legalRepresentative = bytes32("--legal-representative", options.legalRepresentative);
  const salt = randomBytes32();
  const commitment = recordCommitment({ enterprise: { code, ...(options.name ? { name: options.name } : {}) } }, salt);
  const node = await connect(options);
  const client = node.client(await loadKey(options, "counter"));
  const { hash, enterprise } = await register(client, { code, commitment, legalRepresentative });
  return { enterprise, code, legalRepresentative, commitment, salt, txHash: hash };
}
