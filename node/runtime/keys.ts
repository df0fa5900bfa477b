// The node's keys: Web3 Secret Storage keystores in <dataDir>/keys, one file per role.
//
// The directory must be 0700 and every file 0600; anything more open is refused, because these
// keys seal blocks, govern roles and sign on behalf of the gateway. The keystore password comes
// from IMI_KEY_PASSWORD, or else from <dataDir>/keys/password, which the first start creates with
// 32 random bytes (0600) so that a one-command start needs no prompt. Production operators set
// IMI_KEY_PASSWORD (or keep the password file on separate storage). Keys are never printed or logged.
import { chmod, mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Wallet } from "ethers";
import { encryptKeystore } from "@imi-ledger/sdk";
import { generatePrivateKey, privateKeyToAccount } from "@imi-ledger/sdk";
import { NodeError } from "../NodeError.js";
import { decryptNodeKeystore } from "./nativeKeystore.js";

export type KeyName = string;
/**
 * The keys a node's start needs, in two groups: the chain's validator, the gateway's own key and
 * the vault's before it serves; the governor's, the deployer's (a first start's deployment, which
 * asks for them when it needs them) and the services' (node/services' SERVICES_KEY) once it
 * serves. Each keystore's scrypt is about 0.1 s of CPU.
 */
export const NODE_KEYS = { serving: ["validator", "gateway", "vault"], later: ["governor", "deployer", "services"] } as const;

/**
 * Starts decrypting a group of the node's keys at once on libuv's thread pool and resolves when
 * all are done. The key ring keeps each promise: asking again waits for the same work.
 */
export function unlockNodeKeys(keys: KeyRing, group: keyof typeof NODE_KEYS): Promise<unknown> {
  return Promise.all(NODE_KEYS[group].map((name) => keys.privateKey(name)));
}
const NAME = /^[a-z][a-z0-9-]{0,39}$/;
/** scrypt cost for the node's own keystores: 2^15 keeps a start with a handful of keys near a second. */
const SCRYPT_N = 1 << 15;

export type KeyRing = {
  dir: string;
  /** The key's address; the key is created on first use when `create` is set. */
  address(name: KeyName): Promise<string>;
  /** The private key (0x hex), for handing to the chain, the gateway or a signer. Never print it. */
  privateKey(name: KeyName, options?: { create?: boolean }): Promise<string>;
  has(name: KeyName): Promise<boolean>;
  list(): Promise<Array<{ name: string; address: string }>>;
};

function tooOpen(path: string, mode: number, wanted: string): NodeError {
  return new NodeError(
    "KEYS_PERMISSIONS_TOO_OPEN",
    `${path} is readable by others (mode ${(mode & 0o777).toString(8)}). Run: chmod ${wanted} ${path}`,
    { details: { path, mode: (mode & 0o777).toString(8) } },
  );
}

async function checkMode(path: string, wanted: number): Promise<void> {
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) throw tooOpen(path, info.mode, wanted.toString(8));
}

export async function openKeyRing(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<KeyRing> {
  const dir = join(dataDir, "keys");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await checkMode(dir, 0o700);
  const password = await resolvePassword(dir, env);
  // Promises, so callers asking for keys at once decrypt each keystore once, all in parallel.
  const cache = new Map<string, Promise<string>>();
  const file = (name: string) => {
    if (!NAME.test(name)) throw new NodeError("KEYS_INVALID_NAME", `key name ${JSON.stringify(name)}: use lower-case letters, digits and dashes`);
    return join(dir, `${name}.json`);
  };

  function load(name: string, create: boolean): Promise<string> {
    const cached = cache.get(name);
    if (cached) return cached;
    const loading = read(name, create);
    cache.set(name, loading);
    // A failed load is not kept: the next call tries again (the keystore may have been fixed, or created).
    loading.catch(() => cache.delete(name));
    return loading;
  }

  async function read(name: string, create: boolean): Promise<string> {
    const path = file(name);
    let json: string | undefined;
    try {
      await checkMode(path, 0o600);
      json = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    let key: string;
    if (json !== undefined) {
      try {
        key = await decryptNodeKeystore(json, password);
      } catch (cause) {
        throw new NodeError("KEYS_WRONG_PASSWORD", `cannot decrypt ${path}: wrong IMI_KEY_PASSWORD or damaged keystore`, { cause, details: { path } });
      }
    } else if (create) {
      key = generatePrivateKey();
      const keystore = await encryptKeystore(privateKeyToAccount(key as `0x${string}`), password, { scryptN: SCRYPT_N });
      await writeFile(path, keystore, { mode: 0o600, flag: "wx" });
      await chmod(path, 0o600);
    } else {
      throw new NodeError("KEYS_NOT_FOUND", `no key named ${name} in ${dir}`, { details: { name } });
    }
    return key;
  }

  return {
    dir,
    async address(name) {
      return new Wallet(await load(name, true)).address;
    },
    async privateKey(name, options = {}) {
      return load(name, options.create ?? true);
    },
    async has(name) {
      try {
        await stat(file(name));
        return true;
      } catch {
        return false;
      }
    },
    async list() {
      const out: Array<{ name: string; address: string }> = [];
      for (const entry of (await readdir(dir)).sort()) {
        if (!entry.endsWith(".json")) continue;
        const json = JSON.parse(await readFile(join(dir, entry), "utf8")) as { address?: string };
        out.push({ name: entry.slice(0, -5), address: json.address ? `0x${json.address.replace(/^0x/, "")}` : "unknown" });
      }
      return out;
    },
  };
}

async function resolvePassword(dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const given = env.IMI_KEY_PASSWORD;
  if (given !== undefined && given !== "") {
    if (given.length < 12) throw new NodeError("CONFIG_INVALID", "IMI_KEY_PASSWORD: too short. Use at least 12 characters.", { details: { setting: "IMI_KEY_PASSWORD" } });
    return given;
  }
  const path = join(dir, "password");
  try {
    await checkMode(path, 0o600);
    return (await readFile(path, "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const password = randomBytes(32).toString("hex");
  await writeFile(path, password + "\n", { mode: 0o600, flag: "wx" });
  return password;
}
