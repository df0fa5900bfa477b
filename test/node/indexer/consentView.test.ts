import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZeroHash } from "ethers";
import { deployImi, ROLE, type ImiFixture } from "../../helpers/deployImi.js";
import { Decision, type Indexer } from "../../../node/indexer/index.js";
import { code, grantConsent, indexerFor, randomId, registerCitizen, tempDir } from "./helpers.js";

// The gateway decides from the index, never from the chain: any difference from
// ConsentRegistry.check would be an access the contract would have refused (or the reverse).
describe("index consent decisions equal ConsentRegistry.check", () => {
  let f: ImiFixture;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let indexer: Indexer;
  const P1 = code("social-benefits");
  const P2 = code("tax");
  const grantIds: string[] = [];
  const citizens: string[] = [];

  beforeAll(async () => {
    f = await deployImi();
    dir = await tempDir("index-eq");
    const { agency, agency2, governor, registrar } = f.accounts;
    const [k0, k1, k2, k3, guardian] = f.accounts.others;
    for (const k of [k0, k1, k2, k3]) citizens.push(await registerCitizen(f, k));
    const now = await f.now();
    const cr = f.contracts.consentRegistry;
    // Plain active consents, different scopes and purposes.
    grantIds.push(await grantConsent(f, k0, { citizen: citizens[0], agency: agency.address, scopes: 0b0110n, purpose: P1 }));
    grantIds.push(await grantConsent(f, k0, { citizen: citizens[0], agency: agency2.address, scopes: 0b0001n, purpose: P2 }));
    // Windows: not yet valid, expiring soon.
    grantIds.push(await grantConsent(f, k1, { citizen: citizens[1], agency: agency.address, scopes: 0b1111n, purpose: P1, validFrom: now + 500, validUntil: now + 5_000 }));
    grantIds.push(await grantConsent(f, k1, { citizen: citizens[1], agency: agency.address, scopes: 0b0100n, purpose: P2, validFrom: now - 5, validUntil: now + 300 }));
    // Paused, revoked, paused then resumed.
    const paused = await grantConsent(f, k2, { citizen: citizens[2], agency: agency.address, scopes: 0b0010n, purpose: P1 });
    await (await cr.connect(k2).pause(paused)).wait();
    const revoked = await grantConsent(f, k2, { citizen: citizens[2], agency: agency.address, scopes: 0b0011n, purpose: P2 });
    await (await cr.connect(k2).revoke(revoked)).wait();
    const resumed = await grantConsent(f, k2, { citizen: citizens[2], agency: agency2.address, scopes: 0b0011n, purpose: P1, maxUses: 3 });
    await (await cr.connect(k2).pause(resumed)).wait();
    await (await cr.connect(k2).resume(resumed)).wait();
    grantIds.push(paused, revoked, resumed);
    // A guardian's consent.
    await (await f.contracts.identityRegistry.connect(k3).addGuardian(citizens[3], guardian.address, 0b0111n, now + 10_000)).wait();
    grantIds.push(await grantConsent(f, guardian, { citizen: citizens[3], agency: agency.address, scopes: 0b0101n, purpose: P1 }));
    // Statutory: one citizen, every citizen, a revoked one.
    const st = async (citizen: string, scopes: bigint, purpose: string, from: number, until: number) => {
      const r = await (await cr.connect(governor).grantStatutory(citizen, agency.address, scopes, purpose, code("police-act-12"), from, until)).wait();
      return cr.interface.parseLog(r!.logs[0])!.args.grantId as string;
    };
    grantIds.push(await st(citizens[1], 0b1000n, P2, now - 5, now + 1_000));
    grantIds.push(await st(ZeroHash, 0b0001n, P1, now - 5, now + 2_000));
    const stRevoked = await st(citizens[0], 0b0001n, P1, now - 5, now + 2_000);
    await (await cr.connect(governor).revokeStatutory(stRevoked)).wait();
    grantIds.push(stRevoked, randomId(), ZeroHash);
    // Guardians' grants (regression: they outlived the guardianship). One removed, one expiring,
    // one replaced by a later appointment, one confirmed by the citizen before its guardian left.
    const [, , , , , gRemoved, gExpiring, gReplaced] = f.accounts.others;
    const ir = f.contracts.identityRegistry;
    await (await ir.connect(k2).addGuardian(citizens[2], gRemoved.address, 0b0011n, now + 10_000)).wait();
    const removedGrant = await grantConsent(f, gRemoved, { citizen: citizens[2], agency: agency.address, scopes: 0b0001n, purpose: P2 });
    const confirmedGrant = await grantConsent(f, gRemoved, { citizen: citizens[2], agency: agency2.address, scopes: 0b0010n, purpose: P2 });
    await (await cr.connect(k2).confirm(confirmedGrant)).wait();
    await (await ir.connect(k2).removeGuardian(citizens[2], gRemoved.address)).wait();
    await (await ir.connect(k1).addGuardian(citizens[1], gExpiring.address, 0b1111n, now + 1_000)).wait();
    const expiringGrant = await grantConsent(f, gExpiring, { citizen: citizens[1], agency: agency2.address, scopes: 0b0010n, purpose: P1 });
    await (await ir.connect(k0).addGuardian(citizens[0], gReplaced.address, 0b0001n, now + 10_000)).wait();
    const replacedGrant = await grantConsent(f, gReplaced, { citizen: citizens[0], agency: agency.address, scopes: 0b0001n, purpose: P2 });
    await (await ir.connect(registrar).removeGuardian(citizens[0], gReplaced.address)).wait();
    await (await ir.connect(k0).addGuardian(citizens[0], gReplaced.address, 0b0001n, now + 10_000)).wait();
    // A limited consent a gateway has used once, on chain.
    const limited = await grantConsent(f, k1, { citizen: citizens[1], agency: agency2.address, scopes: 0b0001n, purpose: P2, maxUses: 2 });
    await (await cr.connect(f.accounts.gateway).consume(limited)).wait();
    grantIds.push(removedGrant, confirmedGrant, expiringGrant, replacedGrant, limited);
    indexer = await indexerFor(f, dir.path);
  });

  afterAll(async () => {
    await indexer?.close();
    await dir?.remove();
  });

  async function compareAll(): Promise<number> {
    await indexer.sync();
    const block = await f.ethers.provider.getBlock("latest");
    const now = BigInt(block!.timestamp);
    const agencies = [f.accounts.agency.address, f.accounts.agency2.address, f.accounts.others[9].address];
    const who = [...citizens, randomId()];
    const scopeSet = [0n, 1n, 2n, 4n, 6n, 8n, 0b0111n, 1n << 200n];
    let compared = 0;
    const mismatches: unknown[] = [];
    for (const g of grantIds)
      for (const a of agencies)
        for (const c of who)
          for (const s of scopeSet)
            for (const p of [P1, P2]) {
              const onChain = Number(await f.contracts.consentRegistry.check(g, a, c, s, p, { blockTag: block!.number }));
              const inView = indexer.checkAccess(g, a, c, s, p, now).decision;
              compared++;
              if (onChain !== inView) mismatches.push({ g, a, c, s, p, onChain, inView });
            }
    // The lapse the citizen is shown equals ConsentRegistry.lapseOf.
    for (const g of grantIds) {
      const view = indexer.consent(g);
      if (!view) continue;
      const onChain = Number(await f.contracts.consentRegistry.lapseOf(g, { blockTag: block!.number }));
      if (onChain !== indexer.consentLapse(view, now)) mismatches.push({ lapse: g, onChain, inView: indexer.consentLapse(view, now) });
    }
    expect(mismatches).toEqual([]);
    return compared;
  }

  it("agrees for every combination of grant, agency, citizen, scopes and purpose", async () => {
    expect(await compareAll()).toBeGreaterThan(1_000);
    // Sanity: the world is not trivially "all unknown".
    expect(indexer.checkAccess(grantIds[0], f.accounts.agency.address, citizens[0], 2n, P1, BigInt(await f.now())).decision).toBe(Decision.Allowed);
  });

  it("a guardian's grant lapses in the view exactly as on chain: removed, replaced, expired; confirmed stands", async () => {
    await indexer.sync();
    const now = BigInt(await f.now());
    const [removedGrant, confirmedGrant, expiringGrant, replacedGrant, limited] = grantIds.slice(-5);
    const lapse = (g: string) => indexer.consentLapse(indexer.consent(g)!, now);
    expect([lapse(removedGrant), lapse(confirmedGrant), lapse(expiringGrant), lapse(replacedGrant)]).toEqual([1, 0, 0, 3]);
    expect(indexer.checkAccess(removedGrant, f.accounts.agency.address, citizens[2], 1n, P2, now).decision).toBe(Decision.GuardianLapsed);
    expect(indexer.checkAccess(confirmedGrant, f.accounts.agency2.address, citizens[2], 2n, P2, now).decision).toBe(Decision.Allowed);
    expect(indexer.consent(limited)!.uses).toBe(1);
    await f.increaseTime(1_000);
    await indexer.sync();
    expect(indexer.consentLapse(indexer.consent(expiringGrant)!, BigInt(await f.now()))).toBe(2);
    await compareAll();
  });

  it("still agrees after time passes windows, a citizen is deactivated and an agency loses its role", async () => {
    await f.increaseTime(600); // past the short consent, into nothing else
    await compareAll();
    await (await f.contracts.identityRegistry.connect(f.accounts.registrar).deactivate(citizens[3], code("deceased"))).wait();
    await (await f.contracts.accessManager.connect(f.accounts.governor).revokeRole(ROLE.AGENCY, f.accounts.agency2.address)).wait();
    await f.increaseTime(1_500); // statutory for citizen 1 expired, future consent now valid
    await compareAll();
  });

  it("names the same latest consent as ConsentRegistry.latestConsent, also after a reload", async () => {
    const { agency, agency2 } = f.accounts;
    const [k0] = f.accounts.others;
    // Several grants for one (citizen, agency, purpose): the newest one counts.
    for (let i = 0; i < 4; i++) await grantConsent(f, k0, { citizen: citizens[0], agency: agency.address, scopes: BigInt(1 + i), purpose: P2 });
    await indexer.sync();
    const compare = async () => {
      for (const c of citizens)
        for (const a of [agency.address, agency2.address])
          for (const p of [P1, P2]) expect(indexer.latestConsent(c, a, p)).toBe(String(await f.contracts.consentRegistry.latestConsent(c, a, p)).toLowerCase());
    };
    await compare();
    await indexer.close();
    indexer = await indexerFor(f, dir.path);
    await compare();
  });

  it("reloads the same view from disk after a restart", async () => {
    const now = BigInt(await f.now());
    const before = grantIds.map((g) => indexer.checkAccess(g, f.accounts.agency.address, citizens[0], 1n, P1, now).decision);
    const block = indexer.status().indexedBlock;
    await indexer.close();
    indexer = await indexerFor(f, dir.path);
    expect(indexer.status().indexedBlock).toBeGreaterThanOrEqual(block);
    expect(grantIds.map((g) => indexer.checkAccess(g, f.accounts.agency.address, citizens[0], 1n, P1, now).decision)).toEqual(before);
    await compareAll();
  });
});
