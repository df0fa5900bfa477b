// eth_getLogs over a deployment's whole history, in ranges: nodes cap the blocks one call may
// cover (Besu: 5,000 by default), so long histories are read in chunks, as the SDK does.
import type { ImiClient } from "@imi-ledger/sdk";

export type RpcLog = { topics: string[]; data: string; blockNumber: string };

export async function getLogs(client: ImiClient, filter: { address: string; topics: Array<string | string[] | null>; fromBlock: number }): Promise<RpcLog[]> {
  const head = Number(BigInt(await client.request<string>("eth_blockNumber")));
  const logs: RpcLog[] = [];
  for (let start = filter.fromBlock; start <= head; start += client.maxLogBlockRange) {
    const end = Math.min(head, start + client.maxLogBlockRange - 1);
    logs.push(...(await client.request<RpcLog[]>("eth_getLogs", [{ address: filter.address, topics: filter.topics, fromBlock: `0x${start.toString(16)}`, toBlock: `0x${end.toString(16)}` }])));
  }
  return logs;
}
