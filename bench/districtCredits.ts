// bench:district's credit-record stage (docs/scale.md): N credential hashes anchored as Merkle
// batches in the CredentialRegistry, streamed batch by batch so that no more than one batch's
// leaves (and the next one's, being built while the last is sealed) are ever in memory, then a
// sample of hashes checked on chain with their inclusion proofs (statusOfBatched).
//
// The tree is OpenZeppelin's StandardMerkleTree over `bytes32`, the layout the SDK's
// buildCredentialBatch builds and CredentialRegistry.statusOfBatched checks, computed on bytes
// rather than hex strings: the SDK's builder also makes every leaf's proof and took 10 s for
// 65,536 hashes here, which would be 45 minutes for a district's 17 million. Before the clock
// starts, the bench builds a tree both ways and stops if the roots or a proof differ. keccak is
// hash-wasm's WebAssembly one: 4.5 times @noble/hashes' here on 64-byte inputs.
import { randomBytes } from "node:crypto";
import { hashPair, initKeccak, keccak256 } from "../node/accesslog/internal/keccak.js";
import { Interface, Transaction } from "ethers";
import { buildCredentialBatch, credentialRegistryAbi } from "@imi-ledger/sdk";
import type { Hex, ImiClient, LocalAccount } from "@imi-ledger/sdk";

const credentialRegistry = new Interface(credentialRegistryAbi as never);
const hex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString("hex")}` as Hex;
// The access log's keccak (hash-wasm) and OpenZeppelin's commutative pair hash, defined once there.
await initKeccak();

export type ByteTree = { root: Hex; count: number; proof(hashIndex: number): Hex[] };

/**
 * The StandardMerkleTree over `count` bytes32 values held back to back in `hashes` (leaves sorted,
 * placed at the end of the node array reversed, as OpenZeppelin's makeMerkleTree does).
 */
export function byteTree(hashes: Uint8Array, count: number): ByteTree {
  const leaves: Buffer[] = new Array(count);
  for (let i = 0; i < count; i++) leaves[i] = Buffer.from(keccak256(keccak256(hashes.subarray(i * 32, i * 32 + 32))));
  const order = Array.from({ length: count }, (_, i) => i).sort((i, j) => Buffer.compare(leaves[i]!, leaves[j]!));
  const size = 2 * count - 1;
  const nodes = new Uint8Array(size * 32);
  const position = new Int32Array(count);
  order.forEach((leafIndex, k) => {
    const at = size - 1 - k;
    nodes.set(leaves[leafIndex]!, at * 32);
    position[leafIndex] = at;
  });
  for (let i = size - 1 - count; i >= 0; i--) nodes.set(hashPair(nodes.subarray((2 * i + 1) * 32, (2 * i + 2) * 32), nodes.subarray((2 * i + 2) * 32, (2 * i + 3) * 32)), i * 32);
  return {
    root: hex(nodes.subarray(0, 32)),
    count,
    proof(hashIndex: number): Hex[] {
      const proof: Hex[] = [];
      for (let n = position[hashIndex]!; n > 0; n = Math.floor((n - 1) / 2)) {
        const sibling = n % 2 === 1 ? n + 1 : n - 1;
        proof.push(hex(nodes.subarray(sibling * 32, sibling * 32 + 32)));
      }
      return proof;
    },
  };
}

/** The bench's tree against the SDK's on the same hashes: same root, same proof, or the stage does not run. */
export function checkTreeAgainstSdk(count = 257): void {
  const hashes = randomBytes(32 * count);
  const mine = byteTree(hashes, count);
  const list = Array.from({ length: count }, (_, i) => hex(hashes.subarray(i * 32, i * 32 + 32)));
  const sdk = buildCredentialBatch(list);
  const probe = count >> 1;
  if (sdk.root.toLowerCase() !== mine.root || JSON.stringify(sdk.proofs.get(list[probe]!)?.map((p) => p.toLowerCase())) !== JSON.stringify(mine.proof(probe)))
    throw new Error("the bench's Merkle tree differs from the SDK's buildCredentialBatch; the credit stage would anchor roots no proof checks against");
}

export type CreditStageOptions = {
  client: ImiClient;
  issuer: LocalAccount;
  schemaId: Hex;
  hashes: number;
  batchSize: number;
  /** Anchoring transactions sent and not yet in a block, at most. */
  inFlight: number;
  /** Sampled hashes checked on chain with their proofs at the end. */
  samples?: number;
  onBatch?: (done: number) => void;
};

export type CreditStageResult = {
  hashes: number;
  batch_size: number;
  transactions: number;
  seconds: number;
  hashes_per_s: number;
  /** Seconds spent building trees (hashing) and waiting for the chain, summed. */
  tree_s: number;
  chain_wait_s: number;
  gas_per_batch: number;
  checked: { samples: number; valid: number; tampered_unknown: number };
  peak_heap_mb: number;
};

export async function runCreditStage(o: CreditStageOptions): Promise<CreditStageResult> {
  checkTreeAgainstSdk();
  const { client, issuer } = o;
  const registry = client.deployment.contracts.credentialRegistry as Hex;
  const gasPrice = BigInt(await client.request<string>("eth_gasPrice"));
  let nonce = Number(BigInt(await client.request<string>("eth_getTransactionCount", [issuer.address, "pending"])));
  const batches = Math.ceil(o.hashes / o.batchSize);
  const sampleCount = Math.min(o.samples ?? 3, batches);
  const sampleAt = new Set(Array.from({ length: sampleCount }, (_, k) => Math.floor((k * batches) / sampleCount)));
  const samples: Array<{ root: Hex; hash: Hex; proof: Hex[] }> = [];
  const pending: Array<Promise<{ gasUsed: bigint }>> = [];
  let treeSeconds = 0;
  let waitSeconds = 0;
  let gasUsed = 0n;
  let peakHeap = 0;

  // A kept-alive socket the node closes between two polls fails one request: ask again (a minute at most).
  const rpc = async <T>(method: string, params: unknown[]): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await client.request<T>(method, params);
      } catch (error) {
        if ((error as { code?: string }).code !== "NETWORK" || attempt >= 60) throw error;
        await new Promise((done) => setTimeout(done, 1_000));
      }
    }
  };
  const receiptOf = async (hash: string): Promise<{ gasUsed: bigint }> => {
    for (;;) {
      const r = await rpc<{ status: string; gasUsed: string } | null>("eth_getTransactionReceipt", [hash]);
      if (r) {
        if (r.status !== "0x1") throw new Error(`anchorBatch ${hash} reverted`);
        return { gasUsed: BigInt(r.gasUsed) };
      }
      await new Promise((done) => setTimeout(done, 20));
    }
  };

  const started = performance.now();
  for (let b = 0; b < batches; b++) {
    const count = Math.min(o.batchSize, o.hashes - b * o.batchSize);
    let t = performance.now();
    // The batch's credit-record hashes: in a district these come from the issuing offices' records.
    const hashes = randomBytes(32 * count);
    const tree = byteTree(hashes, count);
    if (sampleAt.has(b)) {
      const i = Math.floor(Math.random() * count);
      samples.push({ root: tree.root, hash: hex(hashes.subarray(i * 32, i * 32 + 32)), proof: tree.proof(i) });
    }
    treeSeconds += (performance.now() - t) / 1000;
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    const data = credentialRegistry.encodeFunctionData("anchorBatch", [tree.root, count, o.schemaId, 0, 0]);
    const tx = Transaction.from({ type: 0, chainId: client.chainId, nonce: nonce++, gasLimit: 300_000n, gasPrice, to: registry, data, value: 0n });
    tx.signature = issuer.signDigest(tx.unsignedHash as Hex);
    const hash = await rpc<string>("eth_sendRawTransaction", [tx.serialized]).catch(async (error: unknown) => {
      // Sent before the socket closed: the chain has it already.
      if (await rpc("eth_getTransactionByHash", [tx.hash])) return tx.hash!;
      throw error;
    });
    const receipt = receiptOf(hash);
    receipt.catch(() => {}); // awaited below, in order; this only keeps an early failure from going unhandled
    pending.push(receipt);
    if (pending.length >= o.inFlight) {
      t = performance.now();
      gasUsed += (await pending.shift()!).gasUsed;
      waitSeconds += (performance.now() - t) / 1000;
    }
    o.onBatch?.(b * o.batchSize + count);
  }
  const t = performance.now();
  for (const p of pending) gasUsed += (await p).gasUsed;
  waitSeconds += (performance.now() - t) / 1000;
  const seconds = (performance.now() - started) / 1000;

  // Each sampled hash is valid with its proof; the same proof for another hash gives unknown.
  let valid = 0;
  let tamperedUnknown = 0;
  for (const s of samples) {
    if ((await client.credentials.status({ credentialHash: s.hash, batch: { root: s.root, proof: s.proof } })) === "valid") valid++;
    if ((await client.credentials.status({ credentialHash: hex(randomBytes(32)), batch: { root: s.root, proof: s.proof } })) === "unknown") tamperedUnknown++;
  }
  return {
    hashes: o.hashes,
    batch_size: o.batchSize,
    transactions: batches,
    seconds: Number(seconds.toFixed(1)),
    hashes_per_s: Math.round(o.hashes / seconds),
    tree_s: Number(treeSeconds.toFixed(1)),
    chain_wait_s: Number(waitSeconds.toFixed(1)),
    gas_per_batch: Number(gasUsed / BigInt(batches)),
    checked: { samples: samples.length, valid, tampered_unknown: tamperedUnknown },
    peak_heap_mb: Math.round(peakHeap / 2 ** 20),
  };
}
