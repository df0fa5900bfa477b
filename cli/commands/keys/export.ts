import { access, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { encryptKeystore } from "@imi-ledger/sdk";
import { privateKeyToAccount } from "@imi-ledger/sdk";
import type { Address, Hex } from "@imi-ledger/sdk";
import { openKeyRing } from "../../../node/runtime/keys.js";
import { CliError, EXIT } from "../../CliError.js";
import { usage } from "../../internal/errors.js";
import { askSecret, confirm } from "../../internal/prompt.js";

export type ExportKeyOptions = { name: string; dataDir: string; out?: string; yes?: boolean; force?: boolean };
export type ExportKeyResult = { name: string; address: Address } & ({ privateKey: Hex; file?: undefined } | { file: string; privateKey?: undefined });

/**
 * Hands a key of the node's key ring to a program that needs it (an agency's service, an SDK
 * script): as 0x hex on stdout, or with --out as a Web3 keystore encrypted with a password of the
 * person's choosing. The key is what the chain knows the role by, so the command warns and asks
 * first; without a terminal to ask at, it refuses unless --yes says the script means it.
 */
export async function exportKey(options: ExportKeyOptions, warn: (line: string) => void): Promise<ExportKeyResult> {
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(options.name)) throw usage("INVALID_NAME", `key name ${JSON.stringify(options.name)}: lower-case letters, digits and dashes, as \`imi keys list\` shows them`);
  const dataDir = resolve(options.dataDir);
  // Checked before the key ring is opened: opening one where there is none would create it.
  try {
    await access(join(dataDir, "keys"));
  } catch {
    throw usage("NO_KEY_RING", `no key ring in ${dataDir}: name the node's data directory with --data-dir`);
  }
  try {
    await access(join(dataDir, "keys", `${options.name}.json`));
  } catch {
    throw usage("KEY_NOT_FOUND", `no key named ${options.name} in ${join(dataDir, "keys")} (\`imi keys list\` shows the names)`);
  }
  if (options.out !== undefined && !options.force) {
    const exists = await access(options.out).then(() => true, () => false);
    if (exists) throw usage("FILE_EXISTS", `--out: ${options.out} exists; a keystore is never overwritten without --force`);
  }
  if (!options.yes && process.stdin.isTTY !== true)
    throw usage("CONFIRMATION_REQUIRED", "exporting a key needs a yes: run it at a terminal to be asked, or pass --yes in a script");
  const ring = await openKeyRing(dataDir);
  const address = privateKeyToAccount((await ring.privateKey(options.name, { create: false })) as Hex).address;
  warn(`WARNING: this hands out the private key of "${options.name}" (${address}).`);
  warn("  Whoever holds it acts as that key on the ledger: keep it in a secret store, never in source code, chat or logs.");
  if (options.out === undefined) warn("  It is printed on stdout; prefer --out <file> for an encrypted keystore.");
  if (!options.yes && !(await confirm(`Export the key "${options.name}"?`))) throw new CliError("CANCELLED", "nothing was exported", { exitCode: EXIT.failure });
  const privateKey = (await ring.privateKey(options.name, { create: false })) as Hex;
  if (options.out === undefined) return { name: options.name, address, privateKey };
  const password = process.env.IMI_KEYSTORE_PASSWORD || (await askSecret("choose a password for the keystore: "));
  if (password.length < 8) throw usage("WEAK_PASSWORD", "the keystore password needs at least 8 characters");
  try {
    await writeFile(options.out, await encryptKeystore(privateKeyToAccount(privateKey), password), { mode: 0o600, flag: options.force ? "w" : "wx" });
  } catch {
    throw usage("FILE_UNWRITABLE", `--out: cannot write ${options.out}`);
  }
  return { name: options.name, address, file: options.out };
}
