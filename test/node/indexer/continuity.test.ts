import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployImi, type ImiFixture } from "../../helpers/deployImi.js";
import type { Indexer } from "../../../node/indexer/index.js";
import { code, grantConsent, indexerFor, registerCitizen, tempDir } from "./helpers.js";

// A view built from one history must not answer for another: a rewound or replaced chain stops the index.
describe("index continuity", () => {
  let f: ImiFixture;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let indexer: Indexer;

  beforeAll(async () => {
    f = await deployImi();
    dir = await tempDir("index-reorg");
  });
  afterAll(async () => {
    await indexer?.close().catch(() => undefined);
    await dir?.remove();
  });

  it("resumes from its cursor after a restart without rescanning", async () => {
    const citizen = await registerCitizen(f, f.accounts.others[0]);
    indexer = await indexerFor(f, dir.path);
    const at = indexer.status().indexedBlock;
    await indexer.close();
    await grantConsent(f, f.accounts.others[0], { citizen, agency: f.accounts.agency.address, scopes: 1n, purpose: code("p") });
    indexer = await indexerFor(f, dir.path);
    expect(indexer.status().indexedBlock).toBeGreaterThan(at);
    expect(indexer.consentsOfCitizen(citizen)).toHaveLength(1);
  });

  it("stops with INDEX_REORG when the indexed block is replaced", async () => {
    const snapshot = await f.snapshot();
    const citizen = await registerCitizen(f, f.accounts.others[1]);
    await indexer.sync();
    expect(indexer.identity(citizen)).toBeDefined();
    await f.revert(snapshot);
    await registerCitizen(f, f.accounts.others[2]);
    await f.ethers.provider.send("evm_mine", []);
    await expect(indexer.sync()).rejects.toMatchObject({ code: "INDEX_REORG" });
    expect(indexer.status().error).toBe("INDEX_REORG");
  });
});
