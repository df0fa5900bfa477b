// Checks, before anything starts or is deployed, that the node's ports are free: a busy port used
// to surface after the chain had opened (and, for the gateway, after the contracts were deployed)
// as an unhandled 'error' that ended the process with a stack trace.
import { createServer } from "node:net";
import { NodeError } from "../NodeError.js";
import type { ImiConfig } from "./config.js";

/** How to change each port: the `imi up` flag, the imi.json setting and the environment variable. */
const CHANGE = {
  chain: { flag: "--chain-port", setting: "chain.port", env: "IMI_CHAIN_PORT" },
  gateway: { flag: "--gateway-port", setting: "gateway.port", env: "IMI_GATEWAY_PORT" },
} as const;

function tryListen(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** Refuses with PORT_IN_USE (or PORT_UNAVAILABLE) naming the port and how to change it. */
export async function assertPortsFree(config: ImiConfig): Promise<void> {
  const wanted: Array<{ part: keyof typeof CHANGE; host: string; port: number }> = [];
  if (!config.chain.rpcUrl) wanted.push({ part: "chain", host: config.chain.host, port: config.chain.port });
  wanted.push({ part: "gateway", host: config.gateway.host, port: config.gateway.port });
  for (const { part, host, port } of wanted) {
    if (port === 0) continue; // the system picks a free one
    const error = await tryListen(host, port);
    if (!error) continue;
    const how = CHANGE[part];
    const busy = error.code === "EADDRINUSE";
    throw new NodeError(
      busy ? "PORT_IN_USE" : "PORT_UNAVAILABLE",
      `${part === "chain" ? "chain JSON-RPC" : "gateway"} port ${host}:${port} ${busy ? "is already in use" : `cannot be used (${error.code ?? error.message})`}: ` +
        `stop what holds it, or pick another with ${how.flag} (or ${how.setting} in imi.json, ${how.env}); 0 picks a free one`,
      { cause: error, details: { setting: how.setting, flag: how.flag, host, port } },
    );
  }
}
