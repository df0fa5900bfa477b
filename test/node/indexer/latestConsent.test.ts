// Indexer.latestConsent answers from an index the view keeps as consents are put. It used to scan
// every consent the citizen had ever given on each access that named no consent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Level } from "level";
import { ViewState, type ConsentView, type LevelOp } from "../../../node/indexer/internal/ViewState.js";
import { tempDir } from "./helpers.js";

const hex = (n: number, bytes: number) => "0x" + n.toString(16).padStart(bytes * 2, "0");
const CITIZEN = hex(1, 32);
const AGENCY = hex(0xa1, 20);
const OTHER = hex(0xa2, 20);
const PURPOSE = hex(0xb1, 32);

function consent(id: number, agency: string, block: number, logIndex: number, purpose = PURPOSE): ConsentView {
  return {
    consentId: hex(id, 32), citizen: CITIZEN, agency, scopes: 1n, purpose, validFrom: 0n, validUntil: 0n, maxUses: 0, status: 1,
    byGuardian: false, grantedBy: AGENCY, guardianSince: 0n, confirmed: false, uses: 0, grantedBlock: block, grantedLogIndex: logIndex, updatedBlock: block,
  } as ConsentView;
}

describe("latest consent index", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let db: Level<string, unknown>;
  beforeAll(async () => {
    dir = await tempDir("latest-consent");
    db = new Level<string, unknown>(dir.path, { valueEncoding: "json" });
    await db.open();
  });
  afterAll(async () => {
    await db.close();
    await dir.remove();
  });

  it("names the newest grant per (citizen, agency, purpose) however the consents arrive (was: a scan of all the citizen's consents per access)", async () => {
    // A cache of 16: most of what is compared against has to come back from disk.
    const state = new ViewState(db, 16);
    const ops: LevelOp[] = [];
    const puts = [
      ...Array.from({ length: 5_000 }, (_, i) => consent(10_000 + i, OTHER, 1 + i, 0)),
      consent(3, AGENCY, 7_000, 2),
      consent(1, AGENCY, 6_000, 0),
      consent(2, AGENCY, 7_000, 1),
      consent(4, AGENCY, 6_500, 9, hex(0xb2, 32)),
    ].sort((a, b) => a.consentId.localeCompare(b.consentId));
    for (const c of puts) state.putConsent(c, ops);
    state.finishRange(ops);
    await db.batch(ops as never);
    state.commit();
    expect(state.latestConsent.get(`${CITIZEN}:${AGENCY}:${PURPOSE}`)).toBe(hex(3, 32));
    expect(state.latestConsent.get(`${CITIZEN}:${AGENCY}:${hex(0xb2, 32)}`)).toBe(hex(4, 32));
    expect(state.latestConsent.get(`${CITIZEN}:${OTHER}:${PURPOSE}`)).toBe(hex(10_000 + 4_999, 32));
    // A status change puts the same consent again: it stays (or becomes) the newest only by grant order.
    state.putConsent({ ...consent(1, AGENCY, 6_000, 0), status: 3 }, ops);
    expect(state.latestConsent.get(`${CITIZEN}:${AGENCY}:${PURPOSE}`)).toBe(hex(3, 32));
    state.putConsent({ ...consent(3, AGENCY, 7_000, 2), status: 3 }, ops);
    expect(state.latestConsent.get(`${CITIZEN}:${AGENCY}:${PURPOSE}`)).toBe(hex(3, 32));
    // One entry per triple, not per consent; the citizen's list holds each consent once.
    let triples = 0;
    for await (const _key of db.keys({ gte: "lc:", lt: "lc;" })) triples++;
    expect(triples).toBe(3);
    expect(state.consentsByCitizen.get(CITIZEN)).toHaveLength(5_004);
  });
});
