// Where batch roots go: the AccessLog contract. The running node reaches it through the SDK's
// client (createClientAnchorTarget: the gateway's own client, so relays and anchors share one
// transport and one nonce counter); tests, benchmarks and audits of a stopped node may use an
// ethers signer or provider (createAnchorTarget). Both use the SDK's generated ABI.
import { Contract, getAddress, type ContractRunner, type EventLog, type Log } from "ethers";
import { accessLogAbi, anchorLogBatch, getLogBatches, getLogHead, type Hex, type ImiBaseClient } from "@imi-ledger/sdk";
import { NodeError } from "../NodeError.js";
import type { AccessBatch } from "./AccessLog.js";

export type ChainBatch = {
  index: number;
  root: string;
  count: number;
  firstSeq: number;
  lastSeq: number;
  previousRoot: string;
  txHash: string;
  blockNumber: number;
};

export type ChainHead = { root: string; lastSeq: number; batches: number };

/** What the anchorer and the auditor need from the chain. */
export interface AnchorTarget {
  readonly gateway: string;
  head(): Promise<ChainHead>;
  /** Sends the anchor transaction and resolves once it is in a block. */
  anchor(batch: AccessBatch): Promise<{ txHash: string; blockNumber: number }>;
  /**
   * Sends consecutive batches back to back (explicit consecutive nonces, no wait in between) and
   * returns one promise per batch that resolves once that batch is in a block. Used to catch up
   * when batches queue faster than one block per batch.
   */
  anchorPipelined(batches: readonly AccessBatch[]): Promise<Array<Promise<{ txHash: string; blockNumber: number }>>>;
  /** Every batch this gateway anchored, in order, read from the contract's events. */
  anchoredBatches(fromBlock?: number): Promise<ChainBatch[]>;
}

/** The AccessLog contract's ABI (generated from the compiled contract). */
export const ACCESS_LOG_ABI = accessLogAbi;

/**
 * An AnchorTarget over ethers. `runner` must be a Signer for the gateway account to anchor; a
 * Provider is enough to read (audits).
 */
export function createAnchorTarget(options: {
  runner: ContractRunner;
  accessLogAddress: string;
  gateway: string;
  /** First block to search for events (the deployment block), default 0. */
  fromBlock?: number;
  /**
   * Sends one anchor transaction and resolves once it is in a block, instead of `runner`. Lets the
   * gateway anchor through the same transaction sender (and nonce counter) it relays with; batches
   * are then sent one after the other.
   */
  send?: (batch: AccessBatch) => Promise<{ txHash: string; blockNumber: number }>;
}): AnchorTarget {
  const gateway = getAddress(options.gateway);
  const contract = new Contract(options.accessLogAddress, ACCESS_LOG_ABI as never, options.runner);
  type Sent = { wait(): Promise<{ status: number | null; hash: string; blockNumber: number } | null> };
  const send = (batch: AccessBatch, overrides: Record<string, unknown>): Promise<Sent> =>
    contract.getFunction("anchor")(batch.root, batch.count, batch.firstSeq, batch.lastSeq, batch.previousRoot, overrides);
  const confirm = async (batch: AccessBatch, tx: Sent) => {
    const receipt = await tx.wait();
    if (!receipt || receipt.status !== 1) {
      throw new NodeError("ACCESSLOG_ANCHOR_FAILED", `anchor transaction for batch ${batch.index} failed`);
    }
    return { txHash: receipt.hash, blockNumber: Number(receipt.blockNumber) };
  };
  return {
    gateway,
    async head() {
      const head = await contract.getFunction("headOf")(gateway);
      return { root: head.root as string, lastSeq: Number(head.lastSeq), batches: Number(head.batches) };
    },
    async anchor(batch) {
      if (options.send) return options.send(batch);
      const tx = await send(batch, {});
      return confirm(batch, tx);
    },
    async anchorPipelined(batches) {
      if (options.send) {
        const results: Array<Promise<{ txHash: string; blockNumber: number }>> = [];
        for (const batch of batches) {
          const result = options.send(batch);
          results.push(result);
          await result;
        }
        return results;
      }
      const runner = options.runner as { getNonce?: (tag: string) => Promise<number> };
      if (batches.length <= 1 || typeof runner.getNonce !== "function") {
        return batches.map((batch) => send(batch, {}).then((tx) => confirm(batch, tx)));
      }
      let nonce = await runner.getNonce("pending");
      const sent: Array<Promise<{ txHash: string; blockNumber: number }>> = [];
      for (const batch of batches) {
        // Sending is awaited (so a refused send stops the train); inclusion is not.
        const tx = await send(batch, { nonce: nonce++, gasLimit: 200_000n });
        const confirmed = confirm(batch, tx);
        confirmed.catch(() => undefined);
        sent.push(confirmed);
      }
      return sent;
    },
    async anchoredBatches(fromBlock = options.fromBlock ?? 0) {
      const filter = contract.filters.BatchAnchored(gateway);
      const logs = (await contract.queryFilter(filter, fromBlock, "latest")) as Array<EventLog | Log>;
      return logs.map((log) => {
        const parsed = contract.interface.parseLog(log);
        if (!parsed) throw new NodeError("ACCESSLOG_BAD_EVENT", "undecodable BatchAnchored event");
        return {
          index: Number(parsed.args.batchIndex),
          root: parsed.args.root as string,
          count: Number(parsed.args.count),
          firstSeq: Number(parsed.args.firstSeq),
          lastSeq: Number(parsed.args.lastSeq),
          previousRoot: parsed.args.previousRoot as string,
          txHash: log.transactionHash,
          blockNumber: log.blockNumber,
        };
      });
    },
  };
}

/**
 * An AnchorTarget over the SDK's client: reads the head and the anchored batches and sends each
 * anchor with the client's account (the gateway's), one after the other.
 */
export function createClientAnchorTarget(client: ImiBaseClient, options: { gateway: string; fromBlock?: number }): AnchorTarget {
  const gateway = getAddress(options.gateway) as Hex;
  const anchor = async (batch: AccessBatch) => {
    const result = await anchorLogBatch(client, {
      root: batch.root as Hex,
      count: batch.count,
      firstSeq: batch.firstSeq,
      lastSeq: batch.lastSeq,
      previousRoot: batch.previousRoot as Hex,
    });
    return { txHash: result.hash, blockNumber: result.blockNumber };
  };
  return {
    gateway,
    async head() {
      const head = await getLogHead(client, { gateway });
      return { root: head.root, lastSeq: Number(head.lastSeq), batches: Number(head.batches) };
    },
    anchor,
    async anchorPipelined(batches) {
      const results: Array<Promise<{ txHash: string; blockNumber: number }>> = [];
      for (const batch of batches) {
        const result = anchor(batch);
        results.push(result);
        await result;
      }
      return results;
    },
    async anchoredBatches(fromBlock = options.fromBlock ?? 0) {
      const batches = await getLogBatches(client, { gateway, fromBlock });
      return batches.map((b) => ({
        index: Number(b.batchIndex),
        root: b.root,
        count: Number(b.count),
        firstSeq: Number(b.firstSeq),
        lastSeq: Number(b.lastSeq),
        previousRoot: b.previousRoot,
        txHash: b.transactionHash,
        blockNumber: b.blockNumber,
      }));
    },
  };
}
