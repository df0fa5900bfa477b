// Read access to the chain a data directory belongs to: the running node's JSON-RPC, an endpoint
// given by the operator, or, for a stopped node, its embedded chain started on a private loopback
// port for as long as the reader is open.
import { join } from "node:path";
import { JsonRpcProvider } from "ethers";
import { pino } from "pino";
import { startChain } from "../chain/index.js";
import type { KeyRing } from "./keys.js";
import { readExternalChain, readNodeInfo } from "./nodeInfo.js";

export type ChainReader = { rpcUrl: string; provider: JsonRpcProvider; nodeRunning: boolean; close(): Promise<void> };

export async function openChainReader(options: { dataDir: string; chainId: number; keys: KeyRing; rpcUrl?: string }): Promise<ChainReader> {
  const info = await readNodeInfo(options.dataDir);
  let rpcUrl = options.rpcUrl ?? info?.rpcUrl ?? (await readExternalChain(options.dataDir))?.rpcUrl;
  let stopChain: (() => Promise<void>) | undefined;
  if (!rpcUrl) {
    const chain = await startChain({
      dataDir: join(options.dataDir, "chain"),
      validatorKey: await options.keys.privateKey("validator", { create: false }),
      port: 0,
      logger: pino({ level: "silent" }),
    });
    stopChain = () => chain.close();
    rpcUrl = chain.url;
  }
  const provider = new JsonRpcProvider(rpcUrl, options.chainId, { staticNetwork: true, cacheTimeout: -1 });
  return {
    rpcUrl,
    provider,
    nodeRunning: info !== undefined,
    async close() {
      provider.destroy();
      await stopChain?.();
    },
  };
}
