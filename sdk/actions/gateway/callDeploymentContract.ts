import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { Eip1193Provider, Hex } from "../../types.js";
import { InvalidInputError } from "../../errors/errors.js";

export type CallDeploymentContractParameters = { to: Hex; data: Hex };
export type CallDeploymentContractReturnType = { result: Hex };

/** POST /v1/chain/call: a read-only call to one of the deployment's contracts, through the gateway. */
export async function callDeploymentContract(client: GatewayBaseClient, p: CallDeploymentContractParameters): Promise<CallDeploymentContractReturnType> {
  return (await callGateway<CallDeploymentContractReturnType>(client, { method: "POST", path: "/v1/chain/call", body: { to: p.to, data: p.data }, what: "contract read" })).body;
}

/**
 * A read-only EIP-1193 provider over the gateway, for SDK checks that read the chain (the gateway
 * role behind a predicate answer) in a browser that may reach only the gateway: `eth_chainId` and
 * `eth_call` to the deployment's contracts, nothing else. It trusts the gateway's read of the chain;
 * where a JSON-RPC endpoint of one's own exists, use that instead.
 */
export function gatewayChainProvider(client: GatewayBaseClient, chainId: number): Eip1193Provider {
  return {
    async request({ method, params }: { method: string; params?: unknown[] | object }) {
      if (method === "eth_chainId") return `0x${chainId.toString(16)}`;
      if (method === "eth_call") {
        const [call] = (params ?? []) as Array<{ to: Hex; data?: Hex; input?: Hex }>;
        return (await callDeploymentContract(client, { to: call.to, data: (call.data ?? call.input)! })).result;
      }
      throw new InvalidInputError("UNSUPPORTED_METHOD", "method", `${method} is not offered through the gateway.`);
    },
  } as Eip1193Provider;
}
