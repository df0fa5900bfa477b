import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AbiCoder, getAddress, keccak256, ZeroHash } from "ethers";
import { SimpleMerkleTree, StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  ACCESS_RECORD_LEAF_TYPES,
  encodeRecord,
  leafValues,
  openAccessLog,
  rootOfLeaves,
  treeOfLeaves,
  type AccessLog,
} from "../../../node/accesslog/index.js";
import { NodeError } from "../../../node/NodeError.js";
import { recordInput, randomHash, tempDir } from "./helpers.js";

const GATEWAY = getAddress("0x" + "1f".repeat(20));

describe("access log store", () => {
  let dir: string;
  let log: AccessLog;
  beforeEach(async () => {
    dir = await tempDir();
    log = await openAccessLog({ dir, gateway: GATEWAY });
  });
  afterEach(async () => {
    await log.close();
  });

  it("appends, numbers from 1, and reads back exactly what was written", async () => {
    const input = recordInput({ scopes: 2n ** 255n + 5n, reason: "CONSENT_REVOKED", decision: "denied" });
    const receipt = await log.append(input);
    expect(receipt.seq).toBe(1);
    expect(receipt.gateway).toBe(GATEWAY);
    const record = await log.get(1);
    expect(record).toMatchObject({ ...input, agency: getAddress(input.agency), seq: 1, gateway: GATEWAY });
    expect(record?.recordHash).toBe(receipt.recordHash);
    expect(await log.get(2)).toBeUndefined();
    expect(log.lastSeq()).toBe(1);
  });

  it("encodes records exactly as Solidity's abi.encode, and leaves as OpenZeppelin's StandardMerkleTree", async () => {
    await log.append(recordInput());
    const record = (await log.get(1))!;
    const values = leafValues(record);
    const abi = AbiCoder.defaultAbiCoder().encode([...ACCESS_RECORD_LEAF_TYPES], values);
    expect(Buffer.from(encodeRecord(record)).toString("hex")).toBe(abi.slice(2));
    expect(record.recordHash).toBe(keccak256(abi));
    const tree = StandardMerkleTree.of([values], [...ACCESS_RECORD_LEAF_TYPES]);
    expect(tree.leafHash(values)).toBe(keccak256(record.recordHash));
  });

  it("groups concurrent appends into few synced writes with contiguous, unique numbers", async () => {
    const receipts = await Promise.all(Array.from({ length: 300 }, () => log.append(recordInput())));
    const seqs = receipts.map((r) => r.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(new Set(receipts.map((r) => r.recordHash)).size).toBe(300);
  });

  it("keeps everything acknowledged across a reopen", async () => {
    const receipts = await Promise.all(Array.from({ length: 20 }, () => log.append(recordInput())));
    await log.close();
    log = await openAccessLog({ dir, gateway: GATEWAY });
    expect(log.lastSeq()).toBe(20);
    for (const receipt of receipts) expect((await log.get(receipt.seq))?.recordHash).toBe(receipt.recordHash);
    expect((await log.append(recordInput())).seq).toBe(21);
  });

  it("refuses bad records with a stable code and writes nothing", async () => {
    const bad = [
      recordInput({ agency: "0x1234" }),
      recordInput({ citizen: "0x12" }),
      recordInput({ reason: "" }),
      recordInput({ reason: "X".repeat(32) }),
      recordInput({ scopes: -1n }),
      recordInput({ time: -5 }),
      { ...recordInput(), kind: "gossip" as never },
      { ...recordInput(), decision: "maybe" as never },
    ];
    for (const input of bad) {
      const error = await log.append(input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeError);
      expect((error as NodeError).code).toBe("ACCESSLOG_INVALID_RECORD");
    }
    expect(log.lastSeq()).toBe(0);
  });

  it("belongs to one gateway: opening it for another is refused", async () => {
    await log.close();
    const error = await openAccessLog({ dir, gateway: "0x" + "2e".repeat(20) }).catch((e: unknown) => e);
    expect((error as NodeError).code).toBe("ACCESSLOG_GATEWAY_MISMATCH");
    log = await openAccessLog({ dir, gateway: GATEWAY });
  });

  it("queries by citizen, agency, purpose and time; counts allowed uses per grant", async () => {
    const citizen = randomHash();
    const grant = randomHash();
    const purpose = randomHash();
    const agency = "0x" + "cd".repeat(20);
    await log.append(recordInput({ citizen, grantId: grant, purpose, time: 1000 }));
    await log.append(recordInput({ citizen, grantId: grant, decision: "denied", reason: "USE_LIMIT_REACHED", time: 2000 }));
    await log.append(recordInput({ agency, grantId: grant, time: 3000 }));
    await log.append(recordInput({ citizen, agency, time: 4000 }));
    expect((await log.query({ citizen })).map((r) => r.seq)).toEqual([1, 2, 4]);
    expect((await log.query({ citizen: citizen.toUpperCase().replace("0X", "0x") })).length).toBe(3);
    expect((await log.query({ agency })).map((r) => r.seq)).toEqual([3, 4]);
    expect((await log.query({ citizen, agency })).map((r) => r.seq)).toEqual([4]);
    expect((await log.query({ purpose })).map((r) => r.seq)).toEqual([1]);
    expect((await log.query({ fromTime: 2000, toTime: 3000 })).map((r) => r.seq)).toEqual([2, 3]);
    expect((await log.query({ afterSeq: 2, limit: 1 })).map((r) => r.seq)).toEqual([3]);
    expect((await log.query({ citizen, afterSeq: 1 })).map((r) => r.seq)).toEqual([2, 4]);
    expect(await log.countAllowed(grant)).toBe(2);
    expect(await log.countAllowed(randomHash())).toBe(0);
    await log.close();
    log = await openAccessLog({ dir, gateway: GATEWAY });
    expect(await log.countAllowed(grant)).toBe(2);
  });

  it("tells listeners about every record once it is durable", async () => {
    const seen: number[] = [];
    const stop = log.onAppend((record) => seen.push(record.seq));
    await Promise.all([log.append(recordInput()), log.append(recordInput())]);
    stop();
    await log.append(recordInput());
    expect(seen.sort()).toEqual([1, 2]);
  });

  it("cuts batches in order, linked by previous roots, with proofs the library verifies", async () => {
    await Promise.all(Array.from({ length: 25 }, () => log.append(recordInput())));
    const b0 = (await log.cutBatch(10))!;
    const b1 = (await log.cutBatch(10))!;
    const b2 = (await log.cutBatch(10))!;
    expect(await log.cutBatch(10)).toBeUndefined();
    expect([b0.firstSeq, b0.lastSeq, b1.firstSeq, b1.lastSeq, b2.firstSeq, b2.lastSeq]).toEqual([1, 10, 11, 20, 21, 25]);
    expect(b0.previousRoot).toBe(ZeroHash);
    expect(b1.previousRoot).toBe(b0.root);
    expect(b2.previousRoot).toBe(b1.root);
    for (const seq of [1, 10, 15, 25]) {
      const proof = (await log.proof(seq))!;
      expect(SimpleMerkleTree.verify(proof.batch.root, proof.leaf, proof.proof)).toBe(true);
      expect(StandardMerkleTree.verify(proof.batch.root, [...ACCESS_RECORD_LEAF_TYPES], leafValues(proof.record), proof.proof)).toBe(true);
    }
    await log.close();
    log = await openAccessLog({ dir, gateway: GATEWAY });
    expect(log.listBatches().map((b) => b.root)).toEqual([b0.root, b1.root, b2.root]);
    expect(log.batchOf(11)?.index).toBe(1);
  });

  it("computes the same root as OpenZeppelin's merkle-tree for every batch size", () => {
    for (const size of [1, 2, 3, 7, 8, 33]) {
      const leaves = Array.from({ length: size }, () => Buffer.from(randomHash().slice(2), "hex"));
      expect(Buffer.from(rootOfLeaves(leaves)).toString("hex")).toBe(treeOfLeaves(leaves).root.slice(2));
    }
  });
});
