import { bytesToHex, equalsBytes } from "@ethereumjs/util";
import { NodeError } from "../../NodeError.js";
import type { BlockRecord } from "./blocks.js";
import { keys, readU64, type ChainStore } from "./store.js";

// eth_getLogs: the per-address log index narrows the blocks to read; the blocks' receipts hold the logs.

/** Most blocks one eth_getLogs may scan without an address filter. */
export const MAX_LOG_BLOCK_RANGE = 10_000n;

export interface LogFilter {
  fromBlock: bigint;
  toBlock: bigint;
  addresses: Uint8Array[];
  topics: (Uint8Array[] | null)[];
}

export interface FoundLog {
  log: [Uint8Array, Uint8Array[], Uint8Array];
  record: BlockRecord;
  blockNumber: bigint;
  blockHash: Uint8Array;
  txHash: Uint8Array;
  txIndex: number;
  logIndex: number;
}

/** The logs of durable blocks that match `filter`, in chain order. */
export async function queryLogs(
  filter: LogFilter,
  chain: { store: ChainStore; headNumber: bigint; blockByNumber: (n: bigint) => Promise<BlockRecord | undefined> },
): Promise<FoundLog[]> {
  const from = filter.fromBlock;
  const to = filter.toBlock > chain.headNumber ? chain.headNumber : filter.toBlock;
  if (to < from) return [];
  let numbers: bigint[];
  if (filter.addresses.length > 0) {
    const set = new Set<bigint>();
    for (const address of filter.addresses) {
      for await (const k of chain.store.level.keys(keys.logRange(address, from, to))) set.add(readU64(k, 21));
    }
    numbers = [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } else {
    if (to - from + 1n > MAX_LOG_BLOCK_RANGE) {
      throw new NodeError("CHAIN_LOG_RANGE", `block range too large: at most ${MAX_LOG_BLOCK_RANGE} blocks without an address filter`);
    }
    numbers = [];
    for (let n = from; n <= to; n++) numbers.push(n);
  }
  const out: FoundLog[] = [];
  const addressSet = new Set(filter.addresses.map((a) => bytesToHex(a)));
  for (const n of numbers) {
    const record = await chain.blockByNumber(n);
    if (record === undefined) continue;
    let logIndex = 0;
    record.receipts.forEach((receipt, txIndex) => {
      for (const log of receipt.logs) {
        const index = logIndex++;
        if (addressSet.size > 0 && !addressSet.has(bytesToHex(log[0]))) continue;
        if (!topicsMatch(log[1], filter.topics)) continue;
        out.push({
          log: log as FoundLog["log"],
          record,
          blockNumber: n,
          blockHash: record.hash,
          txHash: record.block.transactions[txIndex]!.hash(),
          txIndex,
          logIndex: index,
        });
      }
    });
  }
  return out;
}

function topicsMatch(topics: Uint8Array[], filter: (Uint8Array[] | null)[]): boolean {
  for (let i = 0; i < filter.length; i++) {
    const wanted = filter[i];
    if (wanted === null || wanted === undefined || wanted.length === 0) continue;
    const topic = topics[i];
    if (topic === undefined || !wanted.some((w) => equalsBytes(w, topic))) return false;
  }
  return true;
}
