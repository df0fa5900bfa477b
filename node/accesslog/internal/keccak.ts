// keccak256 for the access log's hot paths. hash-wasm's WASM keccak measured here at ~650k
// hashes/s for a 448-byte record against ~90k/s for @noble/hashes, which is what lets
// `audit verify` re-hash a million records in a few seconds.
import { createKeccak, type IHasher } from "hash-wasm";

let hasher: IHasher | undefined;

/** Loads the WASM module once; every hashing function below needs it. */
export async function initKeccak(): Promise<void> {
  hasher ??= await createKeccak(256);
}

export function keccak256(data: Uint8Array): Uint8Array {
  if (!hasher) throw new Error("initKeccak() not awaited");
  hasher.init();
  hasher.update(data);
  return hasher.digest("binary");
}

const pair = new Uint8Array(64);

/** OpenZeppelin's commutative node hash: keccak256 of the two children, smaller first. */
export function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (compare(a, b) <= 0) {
    pair.set(a, 0);
    pair.set(b, 32);
  } else {
    pair.set(b, 0);
    pair.set(a, 32);
  }
  return keccak256(pair);
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return 0;
}
