import { normalizeCreditCode, randomBytes32, recordCommitment, registerEnterprise as register, InvalidInputError, type Hex } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { bytes32 } from "../../internal/parse.js";
import { readRecordFile, storeInVault } from "./record.js";

export type RegisterEnterpriseOptions = NodeOptions & KeyOptions & { code: string; legalRepresentative: string; name?: string; record?: string };
export type RegisterEnterpriseResult = { enterprise: Hex; code: string; legalRepresentative: Hex; commitment: Hex; salt: Hex; txHash: Hex; categories?: string[] };

/**
 * The legal-person counter registers an enterprise. The chain gets the id derived from the code, the
 * salted commitment of the register record and the legal representative's citizen id. With `--record`
 * (a JSON file of categories: licence, tax, inspection …) the record goes into the vault through the
 * gateway, which checks it against that commitment; without it the record and salt are printed for the
 * counter's own files.
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
  const register_ = { enterprise: { code, ...(options.name ? { name: options.name } : {}) } };
  const record = options.record === undefined ? register_ : { ...register_, ...(await readRecordFile("--record", options.record)) };
  const salt = randomBytes32();
  const commitment = recordCommitment(record, salt);
  const node = await connect(options);
  if (options.record !== undefined) node.requireGateway();
  const counter = await loadKey(options, "counter");
  const { hash, enterprise } = await register(node.client(counter), { code, commitment, legalRepresentative });
  const categories = options.record === undefined ? undefined : await storeInVault(node, counter, enterprise, record, salt);
  return { enterprise, code, legalRepresentative, commitment, salt, txHash: hash, ...(categories ? { categories } : {}) };
}
