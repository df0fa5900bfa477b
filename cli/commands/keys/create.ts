import { writeFile } from "node:fs/promises";
import { encryptKeystore } from "../../../sdk/keys/keystore.js";
import { generatePrivateKey, privateKeyToAccount } from "../../../sdk/keys/privateKeyToAccount.js";
import type { Address } from "../../../sdk/types.js";
import { usage } from "../../internal/errors.js";
import { askSecret } from "../../internal/prompt.js";

export type CreateKeysOptions = { out: string; force?: boolean };
export type CreateKeysResult = { address: Address; file: string };

/**
 * A citizen's own key: a new secp256k1 key encrypted as a Web3 Secret Storage keystore (readable
 * by wallets), written 0600. The password comes from IMI_KEYSTORE_PASSWORD or a prompt; the key
 * itself is never shown. The registrar needs only the address.
 */
export async function createKeys(options: CreateKeysOptions): Promise<CreateKeysResult> {
  const password = process.env.IMI_KEYSTORE_PASSWORD || (await askSecret("choose a password for the keystore: "));
  if (password.length < 8) throw usage("WEAK_PASSWORD", "the keystore password needs at least 8 characters");
  const account = privateKeyToAccount(generatePrivateKey());
  const keystore = await encryptKeystore(account, password);
  try {
    await writeFile(options.out, keystore, { mode: 0o600, flag: options.force ? "w" : "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw usage("FILE_EXISTS", `--out: ${options.out} exists; a keystore is never overwritten without --force`);
    throw usage("FILE_UNWRITABLE", `--out: cannot write ${options.out}`);
  }
  return { address: account.address, file: options.out };
}
