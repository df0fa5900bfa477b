/** A checksummed or lower-case 20-byte address, 0x-prefixed. */
export type Address = `0x${string}`;
/** 0x-prefixed hex bytes. */
export type Hex = `0x${string}`;
/** Anything `toUint` accepts: bigint, a safe integer, or a decimal string. */
export type Numberish = bigint | number | string;

/** The minimal EIP-1193 provider shape (a browser wallet, Hardhat's provider, ...). */
export type Eip1193Provider = {
  request(args: { method: string; params?: unknown[] | Record<string, unknown> }): Promise<unknown>;
};
