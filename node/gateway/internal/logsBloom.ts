// A block header's logsBloom (2048 bits, three bits per log address and topic) answers "may this
// block hold a log of that address?" with no false negatives: a clear bit proves the block has no
// log of it. ethereumjs has the same test (Bloom.check in @ethereumjs/vm), but the gateway does
// not load the EVM for one hash and three bit tests; test/node/gateway/anchorBlocks.test.ts holds
// this equal to it.
import { keccak } from "./fastTypedData.js";

const BLOOM = /^0x[0-9a-fA-F]{512}$/;

/** The bloom's bytes, or undefined when `hex` is not a 256-byte bloom. */
export function parseBloom(hex: unknown): Uint8Array | undefined {
  return typeof hex === "string" && BLOOM.test(hex) ? Buffer.from(hex.slice(2), "hex") : undefined;
}

/** False only when the bloom proves no log of `address` is in the block. */
export function bloomMayHold(bloom: Uint8Array, address: string): boolean {
  const h = keccak(Buffer.from(address.replace(/^0x/, ""), "hex"));
  for (let i = 0; i < 6; i += 2) {
    const bit = ((h[i]! << 8) | h[i + 1]!) & 2047;
    if ((bloom[255 - (bit >> 3)]! & (1 << (bit & 7))) === 0) return false;
  }
  return true;
}
