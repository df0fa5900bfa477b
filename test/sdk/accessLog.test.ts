import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import {
  AccessLogPreviousRootMismatchError,
  AccessLogSequenceGapError,
  buildAccessLogBatch,
  hashAccessRecord,
  purposeCode,
  randomBytes32,
  verifyAccessLogInclusion,
  type AccessLogBatch,
  type AccessRecord,
  type Hex,
} from "@imi-ledger/sdk";
import { openAccessLog } from "../../node/accesslog/index.js";
import { caught, sdkFixture, type SdkFixture } from "./fixture.js";

let fx: SdkFixture;
let gateway: Hex;
beforeAll(async () => {
  fx = await sdkFixture();
  gateway = fx.accounts.gateway.address as Hex;
});

const ZERO = `0x${"0".repeat(64)}` as Hex;

function records(from: number, count: number, citizen: Hex = randomBytes32()): AccessRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    time: 1_900_000_000_000 + i,
    gateway,
    agency: fx.accounts.agency.address as Hex,
    citizen,
    kind: "data" as const,
    scopes: 2n,
    purpose: purposeCode("social-benefits"),
    grantId: randomBytes32(),
    basis: "consent" as const,
    decision: i % 3 === 0 ? ("denied" as const) : ("allowed" as const),
    reason: i % 3 === 0 ? "SCOPE_NOT_COVERED" : "ALLOWED",
    requestHash: randomBytes32(),
    responseHash: randomBytes32(),
  }));
}

describe("access log", () => {
  const log: AccessRecord[] = [];
  const batches: AccessLogBatch[] = [];

  test("a gateway anchors a chain of batches; the chain and every record verify", async () => {
    let previousRoot = ZERO;
    for (const size of [5, 1, 8]) {
      const slice = records(log.length + 1, size);
      const batch = buildAccessLogBatch(slice);
      const { batchIndex } = await fx.clients.gateway.accessLog.anchor({ ...batch, previousRoot });
      expect(batchIndex).toBe(BigInt(batches.length));
      previousRoot = batch.root;
      log.push(...slice);
      batches.push(batch);
    }
    expect(await fx.clients.reader.accessLog.head({ gateway })).toMatchObject({ root: previousRoot, lastSeq: 14n, batches: 3n });
    const verified = await fx.clients.auditor.accessLog.verify({ gateway, records: log });
    expect(verified.problems).toEqual([]);
    expect(verified).toMatchObject({ valid: true, lastSeq: 14n });
    expect(verified.batches).toHaveLength(3);
  });

  test("a proof shows the record was logged and anchored", async () => {
    const proof = batches[2].proofs[3];
    expect(verifyAccessLogInclusion(proof)).toBe(true);
    expect(await fx.clients.reader.accessLog.verifyProof({ proof })).toMatchObject({ valid: true, batchIndex: 2n });
    const altered = { ...proof, leaf: undefined, record: { ...proof.record, scopes: 3n } };
    expect(await fx.clients.reader.accessLog.verifyProof({ proof: altered })).toEqual({ valid: false, reason: "badProof" });
    const wrongHash = { ...proof, record: { ...proof.record, recordHash: randomBytes32() } };
    expect(verifyAccessLogInclusion(wrongHash)).toBe(false);
    const unanchored = buildAccessLogBatch(records(100, 2)).proofs[0];
    expect(await fx.clients.reader.accessLog.verifyProof({ proof: unanchored })).toEqual({ valid: false, reason: "notAnchored" });
  });

  test("a missing or altered record breaks verification against the chain", async () => {
    const missing = log.filter((r) => r.seq !== 7);
    expect((await fx.clients.auditor.accessLog.verify({ gateway, records: missing })).problems).toEqual([
      { kind: "missingRecords", batchIndex: 2n, firstSeq: 7n, lastSeq: 14n },
    ]);
    const altered = log.map((r) => (r.seq === 2 ? { ...r, decision: "denied" as const } : r));
    const result = await fx.clients.auditor.accessLog.verify({ gateway, records: altered });
    expect(result.valid).toBe(false);
    expect(result.problems[0]).toMatchObject({ kind: "rootMismatch", batchIndex: 0n });
  });

  test("the contract refuses a broken chain with named errors", async () => {
    const head = await fx.clients.reader.accessLog.head({ gateway });
    const gap = buildAccessLogBatch(records(20, 2));
    expect(await caught(() => fx.clients.gateway.accessLog.anchor({ ...gap, previousRoot: head.root }))).toBeInstanceOf(AccessLogSequenceGapError);
    const next = buildAccessLogBatch(records(15, 2));
    const error = await caught(() => fx.clients.gateway.accessLog.anchor({ ...next, previousRoot: randomBytes32() }));
    expect(error).toBeInstanceOf(AccessLogPreviousRootMismatchError);
    expect((error as AccessLogPreviousRootMismatchError).args.expected).toBe(head.root);
  });

  test("another gateway's chain is separate", async () => {
    const other = fx.accounts.gateway2.address as Hex;
    expect(await fx.clients.reader.accessLog.verify({ gateway: other })).toMatchObject({ valid: true, batches: [], lastSeq: 0n });
  });

  test("batch and record input errors are named", async () => {
    expect(await caught(() => buildAccessLogBatch([]))).toMatchObject({ code: "INVALID_BATCH" });
    const [a, b] = records(1, 2);
    expect(await caught(() => buildAccessLogBatch([a, { ...b, seq: 5 }]))).toMatchObject({ code: "INVALID_BATCH" });
    expect(await caught(() => buildAccessLogBatch([{ ...a, citizen: "0x01" as Hex }]))).toMatchObject({ code: "INVALID_HASH" });
    expect(await caught(() => buildAccessLogBatch([{ ...a, reason: "x".repeat(32) }]))).toMatchObject({ code: "INVALID_RECORD" });
    expect(await caught(() => buildAccessLogBatch([{ ...a, kind: "gossip" as never }]))).toMatchObject({ code: "INVALID_RECORD" });
  });
});

describe("compatibility with the gateway's access log (node/accesslog)", () => {
  test("its record hashes, batch roots and inclusion proofs verify with the SDK", async () => {
    const dir = mkdtempSync(join(tmpdir(), "imi-sdk-accesslog-"));
    const accessLog = await openAccessLog({ dir, gateway: fx.accounts.gateway2.address });
    try {
      const inputs = records(1, 6).map(({ seq: _seq, gateway: _gateway, time, scopes, ...rest }) => ({ ...rest, time: Number(time), scopes: BigInt(scopes) }));
      const receipts = await Promise.all(inputs.map((input) => accessLog.append(input)));
      const cut = await accessLog.cutBatch(100);
      expect(cut).toBeDefined();
      const ours = buildAccessLogBatch(await Promise.all(receipts.map(async (r) => (await accessLog.get(r.seq))! as unknown as AccessRecord)));
      expect(ours.root).toBe(cut!.root);
      for (const receipt of receipts) {
        const proof = (await accessLog.proof(receipt.seq))!;
        expect(hashAccessRecord(proof.record as unknown as AccessRecord)).toBe(receipt.recordHash);
        expect(verifyAccessLogInclusion(proof as never)).toBe(true);
      }
      // The gateway anchors the log's own root; the SDK proves a record against the chain.
      const g2 = fx.clientFor(fx.accounts.gateway2);
      await g2.accessLog.anchor({ root: cut!.root as Hex, count: cut!.count, firstSeq: cut!.firstSeq, lastSeq: cut!.lastSeq, previousRoot: ZERO });
      // JSON round trip: what a citizen receives over HTTP (bigints as strings).
      const overHttp = JSON.parse(JSON.stringify(await accessLog.proof(3), (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
      expect(await g2.accessLog.verifyProof({ proof: overHttp })).toMatchObject({ valid: true, batchIndex: 0n });
    } finally {
      await accessLog.close();
    }
  });
});
