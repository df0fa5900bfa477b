import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZeroHash, hexlify, randomBytes } from "ethers";
import { deployImi, type ImiContract, type ImiFixture } from "../helpers/deployImi.js";
import { expectRevert } from "../helpers/revert.js";

const randomRoot = () => hexlify(randomBytes(32));

describe("AccessLog", () => {
  let f: ImiFixture;
  let log: ImiContract;
  let snapshotId: string;

  beforeAll(async () => {
    f = await deployImi();
    log = f.contracts.accessLog;
  });
  beforeEach(async () => {
    if (snapshotId) await f.revert(snapshotId);
    snapshotId = await f.snapshot();
  });

  it("chains batches per gateway: sequence ranges and previous roots link up", async () => {
    const gw = log.connect(f.accounts.gateway);
    const r1 = randomRoot();
    const r2 = randomRoot();
    const receipt = await (await gw.anchor(r1, 10, 1, 10, ZeroHash)).wait();
    const event = log.interface.parseLog(receipt.logs[0]);
    expect(event?.name).toBe("BatchAnchored");
    expect(event?.args.batchIndex).toBe(0n);
    expect(event?.args.root).toBe(r1);
    await (await gw.anchor(r2, 5, 11, 15, r1)).wait();
    const head = await log.headOf(f.accounts.gateway.address);
    expect(head.root).toBe(r2);
    expect(head.lastSeq).toBe(15n);
    expect(head.batches).toBe(2n);
    // Events are the storage of batches: the whole chain is read back from the log.
    const events = await log.queryFilter(log.filters.BatchAnchored(f.accounts.gateway.address));
    expect(events.map((e) => (e as unknown as { args: { root: string } }).args.root)).toEqual([r1, r2]);
  });

  it("refuses gaps, overlaps, wrong previous roots, bad counts and empty roots, changing nothing", async () => {
    const gw = log.connect(f.accounts.gateway);
    const r1 = randomRoot();
    await expectRevert(gw.anchor(r1, 10, 2, 11, ZeroHash), "AccessLogSequenceGap", [f.accounts.gateway.address, 1, 2]);
    await expectRevert(gw.anchor(r1, 10, 1, 10, randomRoot()), "AccessLogPreviousRootMismatch");
    await (await gw.anchor(r1, 10, 1, 10, ZeroHash)).wait();
    await expectRevert(gw.anchor(randomRoot(), 5, 12, 16, r1), "AccessLogSequenceGap", [f.accounts.gateway.address, 11, 12]);
    await expectRevert(gw.anchor(randomRoot(), 5, 10, 14, r1), "AccessLogSequenceGap");
    await expectRevert(gw.anchor(randomRoot(), 5, 11, 15, ZeroHash), "AccessLogPreviousRootMismatch", [
      f.accounts.gateway.address,
      r1,
      ZeroHash,
    ]);
    await expectRevert(gw.anchor(randomRoot(), 4, 11, 15, r1), "AccessLogCountMismatch", [4, 11, 15]);
    await expectRevert(gw.anchor(randomRoot(), 1, 11, 10, r1), "AccessLogCountMismatch");
    await expectRevert(gw.anchor(randomRoot(), 0, 11, 10, r1), "AccessLogEmptyBatch");
    await expectRevert(gw.anchor(ZeroHash, 5, 11, 15, r1), "AccessLogZeroRoot");
    const head = await log.headOf(f.accounts.gateway.address);
    expect(head.root).toBe(r1);
    expect(head.lastSeq).toBe(10n);
  });

  it("keeps one chain per gateway, side by side", async () => {
    const a = randomRoot();
    const b = randomRoot();
    await (await log.connect(f.accounts.gateway).anchor(a, 3, 1, 3, ZeroHash)).wait();
    await (await log.connect(f.accounts.gateway2).anchor(b, 7, 1, 7, ZeroHash)).wait();
    expect((await log.headOf(f.accounts.gateway.address)).root).toBe(a);
    expect((await log.headOf(f.accounts.gateway2.address)).lastSeq).toBe(7n);
  });

  it("only accounts with the gateway role anchor", async () => {
    await expectRevert(
      log.connect(f.accounts.auditor).anchor(randomRoot(), 1, 1, 1, ZeroHash),
      "AccessManagedUnauthorized",
      [f.accounts.auditor.address],
    );
    await expectRevert(log.connect(f.accounts.governor).anchor(randomRoot(), 1, 1, 1, ZeroHash), "AccessManagedUnauthorized");
  });
});
