import type { Address } from "../../types.js";

/** What a gateway signer needs: the key's address and an EIP-712 signature (a LocalAccount fits; so does a wallet adapter). */
export type GatewaySigner = {
  readonly address: Address;
  signTypedData(typedData: import("../../typedData/hashTypedData.js").TypedDataDefinition): `0x${string}` | Promise<`0x${string}`>;
};

export type GatewayClientConfig = {
  /** The gateway's base URL, e.g. "https://gateway.district.example" (no trailing slash needed). */
  url: string;
  /** A fetch to use instead of the global one (a test double, a proxy-aware fetch). */
  fetch?: typeof globalThis.fetch;
  /** A bearer token from an earlier login (kept, for example, in the browser's session storage). */
  token?: string;
};

/** What every gateway action receives. Build it with `createGatewayClient`. */
export type GatewayBaseClient = {
  readonly url: string;
  readonly fetch: typeof globalThis.fetch;
  /** The current session's bearer token; the client's login methods set it. */
  token: string | undefined;
  /** The gateway's chain id and account, read once from GET /v1/deployment when a signature needs them. */
  identity?: Promise<{ chainId: number; gateway: Address }>;
};
