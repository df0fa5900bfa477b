// Operations: liveness, readiness, metrics, and where this gateway's contracts are.
import Type, { type Static } from "typebox";
import { address, routeSchema } from "./common.js";

export const healthSchema = routeSchema({ tags: ["operations"], response: { 200: Type.Object({ status: Type.String() }) } });

/** One part of the gateway (access log, nonce store, vault, index, chain) and whether it can serve. */
export const partStatusSchema = Type.Object({
  part: Type.String({ description: "accessLog, nonces, vault, index or chain" }),
  ready: Type.Boolean(),
  code: Type.Optional(Type.String({ description: "what requests are refused with while the part is down" })),
  reason: Type.Optional(Type.String({ description: "why, e.g. ENOSPC: no space left on device" })),
  since: Type.Optional(Type.Integer({ description: "unix ms of the failure" })),
});
const parts = Type.Array(partStatusSchema);

export const readySchema = routeSchema({
  tags: ["operations"],
  response: {
    200: Type.Object({ ready: Type.Boolean(), indexedBlock: Type.Integer(), headBlock: Type.Integer(), lagBlocks: Type.Integer(), parts }),
    503: Type.Object({ code: Type.String(), message: Type.String(), ready: Type.Boolean(), parts }),
  },
});
export type Readiness = Static<(typeof readySchema)["response"][200]>;

export const metricsSchema = routeSchema({ tags: ["operations"], hide: false, response: { 200: Type.String() } });

export const deploymentSchema = routeSchema({
  tags: ["operations"],
  summary: "The chain id, contract addresses and first block of this gateway's deployment, and the gateway's account",
  response: {
    200: Type.Object({
      chainId: Type.Integer(),
      fromBlock: Type.Optional(Type.Integer()),
      gateway: address,
      contracts: Type.Unsafe<Record<string, `0x${string}`>>({ type: "object", additionalProperties: address }),
    }),
  },
});
export type GatewayDeployment = Static<(typeof deploymentSchema)["response"][200]>;
