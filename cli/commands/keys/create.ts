import { access, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { encryptKeystore } from "@imi-ledger/sdk";
import { generatePrivateKey, privateKeyToAccount } from "@imi-ledger/sdk";
import type { Address } from "@imi-ledger/sdk";
import { openKeyRing } from "../../../node/runtime/keys.js";
import { usage } from "../../internal/errors.js";
import { askSecret } from "../../internal/prompt.js";

export type CreateKeysOptions = { out?: string; name?: string; dataDir: string; force?: boolean };
export type CreateKeysResult = { address: Address; file: string; keyRing: boolean };

/**
 * A new secp256k1 key, never shown. With --out: a person's own Web3 Secret Storage keystore
 * (readable by wallets), written 0600, password from IMI_KEYSTORE_PASSWORD or a prompt; the
 * registrar needs only the address. With --name: a staff key in the node's key ring (encrypted
 * with the node's key password), used later with --key <name>.
 */
export async function createKeys(options: CreateKeysOptions): Promise<CreateKeysResult> {
  if ((options.out === undefined) === (options.name === undefined)) throw usage("INVALID_ARGUMENT", "give either --out <file> (your own keystore) or --name <name> (the node's key ring)");
  if (options.name !== undefined) {
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(options.name)) throw usage("INVALID_NAME", "--name: lower-case letters, digits and dashes, starting with a letter");
    const dataDir = resolve(options.dataDir);
    const file = join(dataDir, "keys", `${options.name}.json`);
    const exists = await access(file).then(() => true, () => false);
    if (exists) throw usage("KEY_EXISTS", `--name: the key ring already has a key named ${options.name}`);
    try {
      await access(dataDir);
    } catch {
      throw usage("NO_DATA_DIR", `--data-dir: ${dataDir} does not exist; start the node there first (imi up)`);
    }
    const ring = await openKeyRing(dataDir);
    return { address: (await ring.address(options.name)) as Address, file, keyRing: true };
  }
  const out = options.out!;
  const password = process.env.IMI_KEYSTORE_PASSWORD || (await askSecret("choose a password for the keystore: "));
  if (password.length < 8) throw usage("WEAK_PASSWORD", "the keystore password needs at least 8 characters");
  const account = privateKeyToAccount(generatePrivateKey());
  const keystore = await encryptKeystore(account, password);
  try {
    await writeFile(out, keystore, { mode: 0o600, flag: options.force ? "w" : "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw usage("FILE_EXISTS", `--out: ${out} exists; a keystore is never overwritten without --force`);
    throw usage("FILE_UNWRITABLE", `--out: cannot write ${out}`);
  }
  return { address: account.address, file: out, keyRing: false };
}

/** The node's key ring: names and addresses (never the keys). */
export async function listKeys(options: { dataDir: string }): Promise<{ keys: Array<{ name: string; address: string }> }> {
  const dataDir = resolve(options.dataDir);
  try {
    await access(join(dataDir, "keys"));
  } catch {
    throw usage("NO_KEY_RING", `no key ring in ${dataDir}`);
  }
  return { keys: await (await openKeyRing(dataDir)).list() };
}
