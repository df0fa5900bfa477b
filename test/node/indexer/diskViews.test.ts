// The views that grow with the district (identities, keys, consents and their lookups) live on
// disk behind bounded caches. They used to be whole maps in memory, loaded entry by entry at every
// start: at 2,300 citizens the node held 732 MB, and a restart read the whole index.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Level } from "level";
import { hexlify, randomBytes, Wallet } from "ethers";
import { deployImi, type ImiFixture } from "../../helpers/deployImi.js";
import { Decision, openIndexer, type Indexer } from "../../../node/indexer/index.js";
import type { Transport } from "@imi-ledger/sdk";
import { code, contractsOf, grantConsent, randomId, tempDir, transportOf } from "./helpers.js";

const CITIZENS = 300;

async function idsOf(walk: AsyncIterable<{ consentId: string }>): Promise<string[]> {
  const ids: string[] = [];
  for await (const c of walk) ids.push(c.consentId);
  return ids;
}
const CACHE = 10;

describe("indexer views on disk with bounded caches", () => {
  let f: ImiFixture;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let indexer: Indexer;
  const rows: Array<{ citizen: string; controller: string }> = [];
  const consents: string[] = [];
  const P1 = code("social-benefits");
  const P2 = code("tax");
  let holder: string;

  const open = async () => {
    const { accessLog: _unused, ...contracts } = await contractsOf(f);
    void _unused;
    return openIndexer({ dir: dir.path, rpc: transportOf(f), contracts, pollIntervalMs: 0, cacheEntries: CACHE });
  };

  beforeAll(async () => {
    f = await deployImi();
    dir = await tempDir("index-disk");
    const ir = f.contracts.identityRegistry.connect(f.accounts.registrar);
    for (let b = 0; b < CITIZENS / 100; b++) {
      const batch = Array.from({ length: 100 }, () => ({ citizen: randomId(), controller: Wallet.createRandom().address, commitment: randomId(), level: 2 }));
      await (await ir.registerBatch(batch)).wait();
      rows.push(...batch.map((r) => ({ citizen: r.citizen.toLowerCase(), controller: r.controller.toLowerCase() })));
    }
    const [k0] = f.accounts.others;
    holder = randomId();
    await (await ir.register(holder, k0.address, randomId(), 2)).wait();
    // Twelve consents to one agency (three pages of five), two purposes; the last per purpose is the newest.
    for (let i = 0; i < 12; i++) consents.push(await grantConsent(f, k0, { citizen: holder, agency: f.accounts.agency.address, scopes: 0b0010n, purpose: i % 2 ? P2 : P1 }));
    consents.push(await grantConsent(f, k0, { citizen: holder, agency: f.accounts.agency2.address, scopes: 0b0001n, purpose: P1 }));
    await (await f.contracts.consentRegistry.connect(k0).revoke(consents[10])).wait();
    indexer = await open();
    await indexer.sync();
  }, 120_000);

  afterAll(async () => {
    await indexer?.close();
    await dir?.remove();
  });

  const answers = async (ix: Indexer) => {
    const now = BigInt(await f.now());
    const pages: string[][] = [];
    let after: [number, number] | undefined;
    for (;;) {
      const page = await ix.consentsOfAgencyPage(f.accounts.agency.address, 5, after);
      pages.push(page.consents.map((c) => c.consentId));
      if (!page.more) break;
      const last = page.consents.at(-1)!;
      after = [last.grantedBlock, last.grantedLogIndex];
    }
    return {
      identities: rows.every((r) => ix.identity(r.citizen)?.controller === r.controller && ix.identityOfKey(r.controller) === r.citizen),
      unknown: ix.identity(randomId()) ?? ix.identityOfKey(hexlify(randomBytes(20))) ?? "none",
      ofCitizen: ix.consentsOfCitizen(holder).map((c) => c.consentId),
      ofAgency: await idsOf(ix.consentsOfAgency(f.accounts.agency.address)),
      pages,
      latest: [ix.latestConsent(holder, f.accounts.agency.address, P1), ix.latestConsent(holder, f.accounts.agency.address, P2)],
      allowed: ix.checkAccess(consents[0], f.accounts.agency.address, holder, 0b0010n, P1, now).decision,
      revoked: ix.checkAccess(consents[10], f.accounts.agency.address, holder, 0b0010n, P1, now).decision,
    };
  };

  const expected = () => ({
    identities: true,
    unknown: "none",
    ofCitizen: consents.map((c) => c.toLowerCase()),
    ofAgency: consents.slice(0, 12).map((c) => c.toLowerCase()),
    pages: [0, 5, 10].map((i) => consents.slice(i, Math.min(i + 5, 12)).map((c) => c.toLowerCase())),
    latest: [consents[10].toLowerCase(), consents[11].toLowerCase()],
    allowed: Decision.Allowed,
    revoked: Decision.Revoked,
  });

  it("answers every identity, key and consent lookup with a cache far smaller than the district (was: whole maps in memory)", async () => {
    expect(await answers(indexer)).toEqual(expected());
    // Eight disk views, each holding at most CACHE entries once the range is written.
    expect(indexer.cachedEntries()).toBeLessThanOrEqual(8 * CACHE);
  });

  it("restarts without reading the district into memory, and answers the same", async () => {
    await indexer.close();
    indexer = await open();
    expect(indexer.cachedEntries()).toBe(0);
    expect(await answers(indexer)).toEqual(expected());
  });

  it("brings an index written by the older layout (no lookup keys) to the current one in place", async () => {
    await indexer.close();
    const db = new Level<string, unknown>(dir.path, { valueEncoding: "json" });
    const drop: string[] = ["m:format"];
    for await (const key of db.keys()) if (/^(xc|xa|xs|lc):/.test(key)) drop.push(key);
    expect(drop.length).toBeGreaterThan(3);
    await db.batch(drop.map((key) => ({ type: "del" as const, key })));
    await db.close();
    indexer = await open();
    expect(await answers(indexer)).toEqual(expected());
  });

  it("catches up a new block in two round trips to the chain (was: four in a row, and accesses were refused INDEX_BEHIND while the gateway's own anchor blocks were indexed)", async () => {
    await indexer.close();
    // The real chain, with each request's start and end noted: a round trip is a wave of requests
    // that starts once every earlier one has answered.
    const real = transportOf(f);
    let inFlight = 0;
    let rounds = 0;
    const methods: string[] = [];
    const counting: Transport = {
      ...real,
      request: async <T,>(method: string, params?: unknown[]) => {
        if (inFlight === 0) rounds++;
        inFlight++;
        methods.push(method);
        try {
          return await real.request<T>(method, params as never);
        } finally {
          inFlight--;
        }
      },
    } as Transport;
    const { accessLog: _unused, ...contracts } = await contractsOf(f);
    void _unused;
    indexer = await openIndexer({ dir: dir.path, rpc: counting, contracts, pollIntervalMs: 0, cacheEntries: CACHE });
    await (await f.contracts.identityRegistry.connect(f.accounts.registrar).register(randomId(), Wallet.createRandom().address, randomId(), 2)).wait();
    rounds = 0;
    methods.length = 0;
    await indexer.sync();
    expect(methods.sort()).toEqual(["eth_blockNumber", "eth_getBlockByNumber", "eth_getBlockByNumber", "eth_getLogs"]);
    expect(rounds).toBe(2);
  });

  it("keeps no agency's consent list in memory: more consents to it leave the memory views as they were, before and after a restart (was: ~90 bytes a consent held for every agency, read whole at each start)", async () => {
    await indexer.close();
    indexer = await open();
    await indexer.sync();
    const held = indexer.memoryEntries();
    const [k0] = f.accounts.others;
    const more: string[] = [];
    for (let i = 0; i < 6; i++) more.push(await grantConsent(f, k0, { citizen: holder, agency: f.accounts.agency.address, scopes: 0b0010n, purpose: P1 }));
    await indexer.sync();
    expect(indexer.memoryEntries()).toBe(held);
    const listed = async () => idsOf(indexer.consentsOfAgency(f.accounts.agency.address));
    const all = [...consents.slice(0, 12), ...more].map((c) => c.toLowerCase());
    expect(await listed()).toEqual(all);
    await indexer.close();
    indexer = await open();
    expect(indexer.memoryEntries()).toBe(held);
    expect(indexer.cachedEntries()).toBe(0);
    expect(await listed()).toEqual(all);
    const page = await indexer.consentsOfAgencyPage(f.accounts.agency.address, 5, [(indexer.consent(consents[9])!).grantedBlock, indexer.consent(consents[9])!.grantedLogIndex]);
    expect(page.consents.map((c) => c.consentId)).toEqual(all.slice(10, 15));
    expect(page.more).toBe(true);
  });
});
