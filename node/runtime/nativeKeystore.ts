// Decrypts the node's Web3 Secret Storage keystores with node:crypto's scrypt. ethers' scrypt is
// JavaScript on the main thread: the six keystores a node opens at start (scrypt N = 2^15) took
// 4.4 s of a 24 s restart's CPU in its profile, one after another. node:crypto's runs natively on
// libuv's thread pool, several keystores at once on every core, at a fraction of the cost. Only the
// format the node writes is read here (scrypt + AES-128-CTR); any other keystore goes to the SDK's
// decryptKeystore, which reads them all.
import { createDecipheriv, scrypt, timingSafeEqual } from "node:crypto";
import { keccak256 } from "ethers";
import { decryptKeystore } from "@imi-ledger/sdk";
import { NodeError } from "../NodeError.js";

type ScryptKeystore = {
  Crypto?: KeystoreCrypto;
  crypto?: KeystoreCrypto;
};
type KeystoreCrypto = {
  cipher: string;
  cipherparams: { iv: string };
  ciphertext: string;
  kdf: string;
  kdfparams: { salt: string; n: number; r: number; p: number; dklen: number };
  mac: string;
};

const HEX = /^(0x)?[0-9a-f]*$/i;
const bytes = (hex: string) => Buffer.from(hex.replace(/^0x/, ""), "hex");

function scryptAsync(password: string, salt: Buffer, p: KeystoreCrypto["kdfparams"]): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    // maxmem: scrypt needs 128·N·r bytes (32 MiB at N = 2^15, r = 8), node's default cap.
    scrypt(password.normalize("NFKC"), salt, p.dklen, { N: p.n, r: p.r, p: p.p, maxmem: 256 * p.n * p.r + (1 << 20) }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** The private key (0x hex) in a keystore. A wrong password or a damaged keystore → KEYS_WRONG_PASSWORD is the caller's to raise: this throws. */
export async function decryptNodeKeystore(json: string, password: string): Promise<string> {
  const parsed = JSON.parse(json) as ScryptKeystore;
  const c = parsed.Crypto ?? parsed.crypto;
  const k = c?.kdfparams;
  const ours =
    c !== undefined &&
    c.kdf === "scrypt" &&
    c.cipher === "aes-128-ctr" &&
    k !== undefined &&
    [k.n, k.r, k.p, k.dklen].every((v) => Number.isSafeInteger(v) && v > 0) &&
    k.dklen >= 32 &&
    [c.cipherparams?.iv, c.ciphertext, c.mac, k.salt].every((v) => typeof v === "string" && HEX.test(v));
  if (!ours) return (await decryptKeystore(json, password)).exportPrivateKey();
  const derived = await scryptAsync(password, bytes(k.salt), k);
  const ciphertext = bytes(c.ciphertext);
  // Web3 Secret Storage: mac = keccak256(derived[16..32] ‖ ciphertext), checked before decrypting.
  const mac = bytes(keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])));
  const stored = bytes(c.mac);
  if (stored.length !== mac.length || !timingSafeEqual(stored, mac)) throw new NodeError("KEYS_WRONG_PASSWORD", "The keystore's MAC does not match: wrong password or a damaged keystore.");
  const decipher = createDecipheriv("aes-128-ctr", derived.subarray(0, 16), bytes(c.cipherparams.iv));
  const key = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  if (key.length !== 32) throw new NodeError("KEYS_WRONG_PASSWORD", "The keystore does not hold a 32-byte key.");
  return "0x" + key.toString("hex");
}
