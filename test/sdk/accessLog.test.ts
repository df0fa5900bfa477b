import { beforeAll, describe, expect, test } from "vitest";
import {
  AccessLogPreviousRootMismatchError,
  AccessLogSequenceGapError,
  buildAccessLogBatch,
  purposeCode,
  randomBytes32,
  verifyAccessReceiptProof,
  type AccessRecord,
  type Hex,
} from "../../sdk/index.js";
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
    gateway,
    agency: fx.accounts.agency.address as Hex,
    citizen,
    scopes: 2n,
    purpose: purposeCode("social-benefits"),
    grantId: randomBytes32(),
    decision: i % 3 === 0 ? 4 : 0,
    requestHash: randomBytes32(),
    timestamp: 1_900_000_000 + i,
  }));
}

describe("access log", () => {
  const log: AccessRecord[] = [];
  const batches: ReturnType<typeof buildAccessLogBatch>[] = [];

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

  test("a receipt proves its record was logged and anchored", async () => {
    const receipt = batches[2].receipts[3];
    expect(verifyAccessReceiptProof(receipt)).toBe(true);
    expect(await fx.clients.reader.accessLog.verifyReceipt({ receipt })).toMatchObject({ valid: true, batchIndex: 2n });
    const altered = { ...receipt, record: { ...receipt.record, scopes: 3n } };
    expect(await fx.clients.reader.accessLog.verifyReceipt({ receipt: altered })).toEqual({ valid: false, reason: "badProof" });
    const unanchored = buildAccessLogBatch(records(100, 2)).receipts[0];
    expect(await fx.clients.reader.accessLog.verifyReceipt({ receipt: unanchored })).toEqual({ valid: false, reason: "notAnchored" });
  });

  test("a missing or altered record breaks verification against the chain", async () => {
    const missing = log.filter((r) => r.seq !== 7);
    expect((await fx.clients.auditor.accessLog.verify({ gateway, records: missing })).problems).toEqual([
      { kind: "missingRecords", batchIndex: 2n, firstSeq: 7n, lastSeq: 14n },
    ]);
    const altered = log.map((r) => (r.seq === 2 ? { ...r, decision: 9 } : r));
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

  test("batch input errors are named", async () => {
    expect(await caught(() => buildAccessLogBatch([]))).toMatchObject({ code: "INVALID_BATCH" });
    const [a, b] = records(1, 2);
    expect(await caught(() => buildAccessLogBatch([a, { ...b, seq: 5 }]))).toMatchObject({ code: "INVALID_BATCH" });
    expect(await caught(() => buildAccessLogBatch([{ ...a, citizen: "0x01" as Hex }]))).toMatchObject({ code: "INVALID_HASH" });
  });
});
