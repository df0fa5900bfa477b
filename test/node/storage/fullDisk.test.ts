// Each store of the gateway on a real tmpfs, filled until its writes fail: it refuses with its code
// and says so in its status (what /readyz reports), keeps what it had acknowledged, and writes
// again by itself once space returns, without a restart.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Wallet, ZeroHash } from "ethers";
import { openAccessLog, type AccessLog } from "../../../node/accesslog/index.js";
import { NonceStore } from "../../../node/gateway/internal/NonceStore.js";
import { openIndexer, type Indexer } from "../../../node/indexer/index.js";
import { LevelVault } from "../../../node/vault/index.js";
import type { PartStatus } from "../../../node/storage/StoreHealth.js";
import { startTestChain, type TestChain } from "../chain/helpers.js";
import { mountTmpfs, tmpfsUnavailable, type Tmpfs } from "../../helpers/tmpfs.js";

const hex32 = () => `0x${randomBytes(32).toString("hex")}`;

async function recovered(status: () => PartStatus): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (status().ready) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${status().part} did not recover: ${JSON.stringify(status())}`);
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (e: { code?: string }) => e.code ?? String(e),
  );
}

if (tmpfsUnavailable) console.warn(`store full-disk tests skipped: ${tmpfsUnavailable}`);

describe.skipIf(tmpfsUnavailable !== undefined)("stores on a full disk", () => {
  let disk: Tmpfs | undefined;
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    await disk?.unmount();
    disk = undefined;
  });

  const record = () => ({
    agency: Wallet.createRandom().address,
    citizen: hex32(),
    kind: "data" as const,
    scopes: 4n,
    purpose: hex32(),
    grantId: ZeroHash,
    basis: "consent" as const,
    decision: "allowed" as const,
    reason: "ALLOWED",
    requestHash: hex32(),
    responseHash: hex32(),
    time: Date.now(),
  });

  it("a full disk makes the access log unavailable, loses nothing it acknowledged, and it writes again once space returns", async () => {
    disk = mountTmpfs(8);
    const gateway = Wallet.createRandom().address;
    const log: AccessLog = await openAccessLog({ dir: join(disk.path, "accesslog"), gateway });
    closers.push(() => log.close());
    const input = record();
    const acknowledged = [await log.append(input)];
    await disk.fill();
    let failure: string | undefined;
    for (let i = 0; i < 200 && !failure; i++) {
      try {
        acknowledged.push(await log.append({ ...input, requestHash: hex32() }));
      } catch (error) {
        failure = (error as { code: string }).code;
      }
    }
    expect(failure).toBe("ACCESSLOG_WRITE_FAILED");
    expect(log.status()).toMatchObject({ part: "accessLog", ready: false, code: "ACCESSLOG_UNAVAILABLE", reason: expect.stringMatching(/^ENOSPC/) });
    // Refused without writing on the handle that failed, and batches are not cut either.
    expect(await codeOf(log.append(input))).toBe("ACCESSLOG_UNAVAILABLE");
    expect(await codeOf(log.cutBatch(100))).toBe("ACCESSLOG_UNAVAILABLE");

    await disk.free();
    await recovered(() => log.status());
    const after = await log.append(input);
    expect(after.seq).toBe(log.lastSeq());
    acknowledged.push(after);
    expect((await log.cutBatch(1000))?.lastSeq).toBe(after.seq);
    // Reopened from disk: everything acknowledged is there, before and after the outage.
    await log.close();
    closers.pop();
    const reopened = await openAccessLog({ dir: join(disk.path, "accesslog"), gateway });
    closers.push(() => reopened.close());
    for (const a of acknowledged) expect((await reopened.get(a.seq))?.recordHash).toBe(a.recordHash);
  });

  it("a full disk makes a nonce store unavailable, keeps refusing claimed nonces, and it writes again once space returns", async () => {
    disk = mountTmpfs(4);
    const store = await NonceStore.open(join(disk.path, "nonces"));
    closers.push(() => store.close());
    const later = Math.floor(Date.now() / 1000) + 600;
    expect(await store.claim("before", later)).toBe(true);
    await disk.fill();
    let failure: string | undefined;
    for (let i = 0; i < 200 && !failure; i++) failure = await codeOf(store.claim(`full-${i}`, later));
    expect(failure).toBe("NONCE_STORE_UNAVAILABLE");
    expect(store.status()).toMatchObject({ part: "nonces", ready: false, reason: expect.stringMatching(/^ENOSPC/) });
    expect(await store.claim("before", later)).toBe(false);
    await disk.free();
    await recovered(() => store.status());
    expect(await store.claim("after", later)).toBe(true);
    expect(await store.claim("before", later)).toBe(false);
  });

  it("a full disk makes the vault unavailable for reads and writes, and it answers again once space returns", async () => {
    disk = mountTmpfs(4);
    const citizen = hex32();
    const vault = await LevelVault.open({ dir: join(disk.path, "vault"), masterKey: new Uint8Array(randomBytes(32)) });
    closers.push(() => vault.close());
    await vault.put(citizen, { address: { district: "Haidian" } });
    await disk.fill();
    let failure: string | undefined;
    for (let i = 0; i < 200 && !failure; i++) failure = await codeOf(vault.put(hex32(), { address: { district: "Chaoyang" } }));
    expect(failure).toBe("VAULT_UNAVAILABLE");
    expect(vault.status()).toMatchObject({ part: "vault", ready: false, code: "VAULT_UNAVAILABLE", reason: expect.stringMatching(/^ENOSPC/) });
    expect(await codeOf(vault.get(citizen))).toBe("VAULT_UNAVAILABLE");
    await disk.free();
    await recovered(() => vault.status());
    expect(await vault.get(citizen)).toEqual({ address: { district: "Haidian" } });
    await vault.put(hex32(), { address: { district: "Chaoyang" } });
  });

  describe("the index", () => {
    let chain: TestChain | undefined;
    afterAll(async () => chain?.cleanup());

    it("a full disk makes the index unavailable, and it follows the chain again once space returns", async () => {
      chain = await startTestChain({ accounts: 1 });
      const url = chain.chain.url;
      const rpc = {
        kind: "transport" as const,
        async request<T>(method: string, params: unknown[] = []): Promise<T> {
          const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
          const body = (await res.json()) as { result?: T; error?: { message: string } };
          if (body.error) throw new Error(body.error.message);
          return body.result as T;
        },
      };
      const nobody = Wallet.createRandom().address;
      disk = mountTmpfs(4);
      const indexer: Indexer = await openIndexer({ dir: join(disk.path, "index"), rpc, contracts: { identityRegistry: nobody, consentRegistry: nobody, credentialRegistry: nobody, accessManager: nobody }, pollIntervalMs: 0 });
      closers.push(() => indexer.close());
      const [wallet] = chain.wallets;
      const mine = async () => (await (await wallet!.sendTransaction({ to: wallet!.address, value: 0n })).wait())!.blockNumber;
      await mine();
      await indexer.sync();
      await disk.fill();
      let failure: string | undefined;
      for (let i = 0; i < 50 && !failure; i++) {
        await mine();
        failure = await codeOf(indexer.sync());
      }
      expect(failure).toBe("INDEX_STORAGE");
      expect(indexer.status().error).toBe("INDEX_STORAGE");
      expect(indexer.storageStatus()).toMatchObject({ part: "index", ready: false, code: "INDEX_STORAGE", reason: expect.stringMatching(/^ENOSPC/) });
      await disk.free();
      await recovered(() => indexer.storageStatus());
      const head = await mine();
      await indexer.sync();
      expect(indexer.status()).toMatchObject({ indexedBlock: head, error: undefined });
    });
  });
});
