import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZeroHash, hexlify, randomBytes } from "ethers";
import { deployImi, type ImiContract, type ImiFixture } from "../helpers/deployImi.js";
import { expectRevert } from "../helpers/revert.js";

const randomId = () => hexlify(randomBytes(32));

describe("IdentityRegistry.registerBatch", () => {
  let f: ImiFixture;
  let identity: ImiContract;
  let snapshotId: string;

  beforeAll(async () => {
    f = await deployImi();
    identity = f.contracts.identityRegistry;
  });
  beforeEach(async () => {
    if (snapshotId) await f.revert(snapshotId);
    snapshotId = await f.snapshot();
  });

  const rows = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => ({ citizen: randomId(), controller: f.accounts.others[from + i].address, commitment: randomId(), level: 1 + (i % 3) }));

  it("registers every row and emits one IdentityRegistered per citizen, in order", async () => {
    const batch = rows(5);
    const receipt = await (await identity.connect(f.accounts.registrar).registerBatch(batch)).wait();
    const events = receipt.logs.map((log: never) => identity.interface.parseLog(log));
    expect(events.map((e: { name: string }) => e.name)).toEqual(Array(5).fill("IdentityRegistered"));
    expect(events.map((e: { args: { citizen: string } }) => e.args.citizen)).toEqual(batch.map((r) => r.citizen));
    for (const r of batch) {
      const record = await identity.getIdentity(r.citizen);
      expect(record.controller).toBe(r.controller);
      expect(record.level).toBe(BigInt(r.level));
      expect(record.commitment).toBe(r.commitment);
      expect(await identity.identityOf(r.controller)).toBe(r.citizen);
    }
  });

  it("a bad row reverts the whole batch with that row's error, and nothing is registered", async () => {
    const batch = rows(4);
    batch[2] = { ...batch[2], level: 4 };
    await expectRevert(identity.connect(f.accounts.registrar).registerBatch(batch), "IdentityRegistryInvalidLevel", [4]);
    for (const r of batch) expect(await identity.isActive(r.citizen)).toBe(false);
    const zero = rows(2);
    zero[1] = { ...zero[1], commitment: ZeroHash };
    await expectRevert(identity.connect(f.accounts.registrar).registerBatch(zero), "IdentityRegistryZeroHash");
    expect(await identity.isActive(zero[0].citizen)).toBe(false);
  });

  it("refuses a key or citizen used twice within the batch or registered before, naming it", async () => {
    const batch = rows(3);
    const sameKey = [...batch, { ...rows(1)[0], controller: batch[0].controller }];
    await expectRevert(identity.connect(f.accounts.registrar).registerBatch(sameKey), "IdentityRegistryKeyInUse", [batch[0].controller]);
    const sameCitizen = [...batch, { ...rows(1, 5)[0], citizen: batch[1].citizen }];
    await expectRevert(identity.connect(f.accounts.registrar).registerBatch(sameCitizen), "IdentityRegistryAlreadyRegistered", [batch[1].citizen]);
    await (await identity.connect(f.accounts.registrar).registerBatch(batch)).wait();
    const again = [...rows(2, 6), batch[1]];
    await expectRevert(identity.connect(f.accounts.registrar).registerBatch(again), "IdentityRegistryAlreadyRegistered", [batch[1].citizen]);
    expect(await identity.isActive(again[0].citizen)).toBe(false);
  });

  it("refuses an empty or oversized batch and callers without the registrar role", async () => {
    const max = await identity.MAX_BATCH();
    await expectRevert(identity.connect(f.accounts.registrar).registerBatch([]), "IdentityRegistryInvalidBatchSize", [0n, max]);
    const oversized = Array.from({ length: Number(max) + 1 }, () => ({ citizen: randomId(), controller: hexlify(randomBytes(20)), commitment: randomId(), level: 1 }));
    await expectRevert(identity.connect(f.accounts.registrar).registerBatch(oversized), "IdentityRegistryInvalidBatchSize", [max + 1n, max]);
    await expectRevert(identity.connect(f.accounts.others[9]).registerBatch(rows(1)), "AccessManagedUnauthorized", [f.accounts.others[9].address]);
  });
});
