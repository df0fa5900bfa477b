// Anchoring and auditing against real chains: Hardhat's in-process network for the happy path and
// tampering, the embedded persistent node (stopped and restarted) for a chain outage.
import { cp } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Level } from "level";
import { Wallet, ZeroHash } from "ethers";
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import {
  Anchorer,
  createAnchorTarget,
  openAccessLog,
  verifyAccessLog,
  type AccessLog,
  type AnchorTarget,
} from "../../../node/accesslog/index.js";
import { NodeError } from "../../../node/NodeError.js";
import { deployImi, type ImiFixture } from "../../helpers/deployImi.js";
import { freePort } from "../../helpers/hardhatNode.js";
import { providerFor, startTestChain, type TestChain } from "../chain/helpers.js";
import { deployAccessLog, recordInput, tempDir } from "./helpers.js";

async function appendMany(log: AccessLog, n: number, time = Date.now()) {
  for (let i = 0; i < n; i++) await log.append(recordInput({ time }));
}

describe("anchoring on Hardhat's in-process network", () => {
  let f: ImiFixture;
  let target: AnchorTarget;
  let dir: string;
  let snapshot: string;

  beforeAll(async () => {
    f = await deployImi();
    target = createAnchorTarget({
      runner: f.accounts.gateway,
      accessLogAddress: await f.contracts.accessLog.getAddress(),
      gateway: f.accounts.gateway.address,
    });
    // A log of 50 records in 5 anchored batches, kept as the original for the tampering cases.
    dir = await tempDir();
    const log = await openAccessLog({ dir, gateway: f.accounts.gateway.address });
    await appendMany(log, 50, Date.now() - 3_600_000);
    const anchorer = new Anchorer(log, target, { maxRecords: 10, intervalMs: 50 });
    anchorer.start();
    await anchorer.flush();
    await anchorer.stop();
    await log.close();
    snapshot = await f.snapshot();
  });

  it("anchors every batch in order; chain head, events and local table agree; audit passes", async () => {
    const head = await target.head();
    expect(head.lastSeq).toBe(50);
    expect(head.batches).toBe(5);
    const onChain = await target.anchoredBatches();
    const log = await openAccessLog({ dir, gateway: f.accounts.gateway.address });
    try {
      expect(log.listBatches().map((b) => [b.status, b.root])).toEqual(onChain.map((b) => ["anchored", b.root]));
      const report = await verifyAccessLog(log, onChain);
      expect(report).toMatchObject({ ok: true, recordsChecked: 50, batchesChecked: 5, lastSeq: 50, anchoredThroughSeq: 50 });
      // Proofs for records in the first, a middle and the last batch check against the anchored roots.
      for (const seq of [3, 27, 50]) {
        const proof = (await log.proof(seq))!;
        const anchoredRoot = onChain[proof.batch.index].root;
        expect(SimpleMerkleTree.verify(anchoredRoot, proof.leaf, proof.proof)).toBe(true);
      }
    } finally {
      await log.close();
    }
  });

  it("adopts a batch the chain already has (crash between sending and recording it)", async () => {
    const copy = await tempDir();
    await cp(dir, copy, { recursive: true });
    const log = await openAccessLog({ dir: copy, gateway: f.accounts.gateway.address });
    try {
      await appendMany(log, 4);
      const batch = (await log.cutBatch(10))!;
      await target.anchor(batch); // sent, but the process "died" before markAnchored
      const anchorer = new Anchorer(log, target, { maxRecords: 10, intervalMs: 50 });
      anchorer.start();
      await anchorer.flush();
      await anchorer.stop();
      expect(log.listBatches().at(-1)).toMatchObject({ index: 5, status: "anchored" });
      expect((await target.head()).batches).toBe(6);
    } finally {
      await log.close();
      await f.revert(snapshot);
      snapshot = await f.snapshot();
    }
  });

  it("halts, never overwrites, when the chain holds a different batch than the log", async () => {
    const copy = await tempDir();
    await cp(dir, copy, { recursive: true });
    const log = await openAccessLog({ dir: copy, gateway: f.accounts.gateway.address });
    try {
      await appendMany(log, 3);
      const batch = (await log.cutBatch(10))!;
      await target.anchor({ ...batch, root: "0x" + "ee".repeat(32) }); // a forged root, sent with the gateway key
      const anchorer = new Anchorer(log, target, { maxRecords: 10, intervalMs: 50 });
      anchorer.start();
      const error = await anchorer.flush(5000).catch((e: unknown) => e);
      await anchorer.stop();
      expect((error as NodeError).code).toBe("ACCESSLOG_ANCHORING_HALTED");
      expect(anchorer.status()).toMatchObject({ state: "halted", lastError: { code: "ACCESSLOG_CHAIN_MISMATCH" } });
    } finally {
      await log.close();
      await f.revert(snapshot);
      snapshot = await f.snapshot();
    }
  });

  describe("audit verify names the first break", () => {
    async function tampered(edit: (db: Level<string, Uint8Array>) => Promise<void>) {
      const copy = await tempDir();
      await cp(dir, copy, { recursive: true });
      const db = new Level<string, Uint8Array>(copy, { keyEncoding: "utf8", valueEncoding: "view" });
      await db.open();
      await edit(db);
      await db.close();
      const log = await openAccessLog({ dir: copy, gateway: f.accounts.gateway.address });
      try {
        return await verifyAccessLog(log, await target.anchoredBatches());
      } finally {
        await log.close();
      }
    }
    const records = (db: Level<string, Uint8Array>) =>
      db.sublevel<string, Uint8Array>("r", { keyEncoding: "utf8", valueEncoding: "view" });
    const key = (seq: number) => seq.toString(16).padStart(16, "0");

    it("an edited record", async () => {
      const report = await tampered(async (db) => {
        const value = Buffer.from((await records(db).get(key(23)))!);
        value[10 * 32 + 31] ^= 1; // flip the decision
        await records(db).put(key(23), value);
      });
      expect(report).toMatchObject({ ok: false, firstBreak: { kind: "altered", seq: 23, batch: 2 } });
      expect(report.recordsChecked).toBe(22);
    });

    it("an edited record whose stored hash was recomputed too", async () => {
      const { keccak256 } = await import("ethers");
      const report = await tampered(async (db) => {
        const value = Buffer.from((await records(db).get(key(23)))!);
        value[10 * 32 + 31] ^= 1;
        Buffer.from(keccak256(value.subarray(0, 448)).slice(2), "hex").copy(value, 448);
        await records(db).put(key(23), value);
      });
      expect(report.firstBreak).toMatchObject({ kind: "altered", batch: 2, seq: 21 });
    });

    it("a deleted record", async () => {
      const report = await tampered((db) => records(db).del(key(17)));
      expect(report.firstBreak).toMatchObject({ kind: "missing", seq: 17 });
    });

    it("two records swapped", async () => {
      const report = await tampered(async (db) => {
        const a = (await records(db).get(key(31)))!;
        const b = (await records(db).get(key(32)))!;
        await records(db).batch([
          { type: "put", key: key(31), value: b },
          { type: "put", key: key(32), value: a },
        ]);
      });
      expect(report.firstBreak).toMatchObject({ kind: "reordered", seq: 31 });
    });

    it("a whole batch dropped", async () => {
      const report = await tampered(async (db) => {
        await records(db).batch(Array.from({ length: 10 }, (_, i) => ({ type: "del" as const, key: key(31 + i) })));
      });
      expect(report.firstBreak).toMatchObject({ kind: "missing", seq: 31, batch: 3 });
    });

    it("the last batch dropped", async () => {
      const report = await tampered(async (db) => {
        await records(db).batch(Array.from({ length: 10 }, (_, i) => ({ type: "del" as const, key: key(41 + i) })));
      });
      expect(report.firstBreak).toMatchObject({ kind: "missing", seq: 41, batch: 4 });
    });

    it("a forged root in the local batch table", async () => {
      const report = await tampered(async (db) => {
        const batches = db.sublevel<string, string>("b", { keyEncoding: "utf8", valueEncoding: "utf8" });
        const header = JSON.parse((await batches.get(key(1)))!);
        await batches.put(key(1), JSON.stringify({ ...header, root: "0x" + "99".repeat(32) }));
      });
      expect(report.firstBreak).toMatchObject({ kind: "root-mismatch", batch: 1, seq: 11 });
    });

    it("old records never anchored", async () => {
      const copy = await tempDir();
      await cp(dir, copy, { recursive: true });
      const log = await openAccessLog({ dir: copy, gateway: f.accounts.gateway.address });
      try {
        await appendMany(log, 3, Date.now() - 600_000);
        const report = await verifyAccessLog(log, await target.anchoredBatches(), { graceMs: 30_000 });
        expect(report.firstBreak).toMatchObject({ kind: "unanchored", seq: 51 });
        const lenient = await verifyAccessLog(log, await target.anchoredBatches(), { graceMs: 3_600_000 });
        expect(lenient).toMatchObject({ ok: true, pendingRecords: 3 });
      } finally {
        await log.close();
      }
    });
  });
});

describe("anchoring through a chain outage (embedded node stopped and restarted)", () => {
  let t: TestChain;
  afterAll(async () => {
    await t?.cleanup();
  });

  it("keeps logging while the chain is down and anchors everything in order when it returns", async () => {
    const port = await freePort();
    t = await startTestChain({ accounts: 2, config: { port } });
    const [admin, gatewayWallet] = t.wallets;
    const { address } = await deployAccessLog(admin, [gatewayWallet.address]);
    const provider = providerFor(t.chain.url);
    const gateway = new Wallet(gatewayWallet.privateKey, provider);
    const target = createAnchorTarget({ runner: gateway, accessLogAddress: address, gateway: gateway.address });
    const log = await openAccessLog({ dir: await tempDir(), gateway: gateway.address });
    const anchorer = new Anchorer(log, target, { maxRecords: 5, intervalMs: 50, retryMs: 50 });
    anchorer.start();
    try {
      await appendMany(log, 7);
      await anchorer.flush();
      expect((await target.head()).lastSeq).toBe(7);

      await t.chain.close(); // outage
      await appendMany(log, 23); // accesses keep being logged and acknowledged
      await anchorer.kick();
      await new Promise((r) => setTimeout(r, 300));
      const during = anchorer.status();
      expect(during.state).toBe("retrying");
      expect(during.pendingBatches).toBeGreaterThan(0);
      expect(during.lastAnchoredSeq).toBe(7);

      await t.restart({ port }); // the chain returns, with its state
      await anchorer.flush(60_000);
      const onChain = await target.anchoredBatches();
      expect(onChain.map((b) => b.index)).toEqual(onChain.map((_, i) => i));
      expect(onChain.at(-1)?.lastSeq).toBe(30);
      expect(onChain[0].previousRoot).toBe(ZeroHash);
      const report = await verifyAccessLog(log, onChain);
      expect(report).toMatchObject({ ok: true, recordsChecked: 30, lastSeq: 30 });
    } finally {
      await anchorer.stop();
      await log.close();
      provider.destroy();
    }
  });
});
