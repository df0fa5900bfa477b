// Operations: liveness, readiness, metrics, and where this gateway's contracts are.
import Type, { type Static } from "typebox";
import { address, errorBody, routeSchema } from "./common.js";

export const healthSchema = routeSchema({ tags: ["operations"], response: { 200: Type.Object({ status: Type.String() }) } });

export const readySchema = routeSchema({
  tags: ["operations"],
  response: {
    200: Type.Object({ ready: Type.Boolean(), indexedBlock: Type.Integer(), headBlock: Type.Integer(), lagBlocks: Type.Integer() }),
    503: errorBody,
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
