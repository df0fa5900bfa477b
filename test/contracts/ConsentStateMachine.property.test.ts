// Property: whatever sequence of pause / resume / revoke / grant attempts by whichever account,
// only the citizen's key or a guardian whose scopes cover the consent (and who has not expired)
// changes a consent, transitions follow Active <-> Paused -> Revoked, and a revoked consent never
// becomes active again. The chain is compared step by step against a small model.
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { hexlify, randomBytes } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { deployImi, type ImiContract, type ImiFixture } from "../helpers/deployImi.js";
import { decodeRevert } from "../helpers/revert.js";
import { code } from "../helpers/typedData.js";
import { guardianLapse, Lapse } from "../../node/indexer/decisions.js";

const SCOPES = 0b11n;
const Status = { Active: 1n, Paused: 2n, Revoked: 3n } as const;
type Actor = "citizen" | "guardian" | "narrowGuardian" | "expiringGuardian" | "agency" | "outsider";
type Op = "pause" | "resume" | "revoke";
type Action = { kind: "op"; op: Op; actor: Actor } | { kind: "advance" };

const GUARDIAN_LIFETIME = 2500;

describe("consent state machine (property)", () => {
  let f: ImiFixture;
  let consents: ImiContract;
  let actors: Record<Actor, HardhatEthersSigner>;
  let consentId: string;
  let citizen: string;
  let baseSnapshot: string;
  let start: number;

  beforeAll(async () => {
    f = await deployImi();
    consents = f.contracts.consentRegistry;
    const identity = f.contracts.identityRegistry;
    const [c, g, n, e, o] = f.accounts.others;
    actors = { citizen: c, guardian: g, narrowGuardian: n, expiringGuardian: e, agency: f.accounts.agency, outsider: o };
    citizen = hexlify(randomBytes(32));
    await (await identity.connect(f.accounts.registrar).register(citizen, c.address, hexlify(randomBytes(32)), 2)).wait();
    start = await f.now();
    const farFuture = start + 10 ** 8;
    await (await identity.connect(c).addGuardian(citizen, g.address, SCOPES | 0b100n, farFuture)).wait();
    await (await identity.connect(c).addGuardian(citizen, n.address, 0b1n, farFuture)).wait();
    await (await identity.connect(c).addGuardian(citizen, e.address, SCOPES, start + GUARDIAN_LIFETIME)).wait();
    const receipt = await (
      await consents.connect(c).grant({
        citizen,
        agency: f.accounts.agency.address,
        scopes: SCOPES,
        purpose: code("benefits"),
        validFrom: start,
        validUntil: farFuture,
        maxUses: 0,
      })
    ).wait();
    consentId = consents.interface.parseLog(receipt.logs[0])?.args.consentId as string;
    baseSnapshot = await f.snapshot();
  });

  const actionArb: fc.Arbitrary<Action> = fc.oneof(
    { weight: 6, arbitrary: fc.record({
      kind: fc.constant("op" as const),
      op: fc.constantFrom<Op>("pause", "resume", "revoke"),
      actor: fc.constantFrom<Actor>("citizen", "guardian", "narrowGuardian", "expiringGuardian", "agency", "outsider"),
    }) },
    { weight: 1, arbitrary: fc.constant({ kind: "advance" as const }) },
  );

  it("only authorized actors change a consent, and revoked is final", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 14 }), async (actions) => {
        await f.revert(baseSnapshot);
        baseSnapshot = await f.snapshot();
        let status: bigint = Status.Active;
        let everRevoked = false;
        for (const action of actions) {
          if (action.kind === "advance") {
            await f.increaseTime(1000);
            continue;
          }
          const authorized =
            action.actor === "citizen" ||
            action.actor === "guardian" ||
            (action.actor === "expiringGuardian" && (await f.now()) + 1 < start + GUARDIAN_LIFETIME);
          const target = action.op === "pause" ? Status.Paused : action.op === "resume" ? Status.Active : Status.Revoked;
          const validTransition =
            (target === Status.Revoked && status !== Status.Revoked) ||
            (target === Status.Paused && status === Status.Active) ||
            (target === Status.Active && status === Status.Paused);
          let succeeded = true;
          let errorName = "";
          try {
            await (await consents.connect(actors[action.actor])[action.op](consentId)).wait();
          } catch (error) {
            succeeded = false;
            errorName = decodeRevert(error).name;
          }
          // Authorization is checked after the transition, so an unauthorized actor attempting an
          // invalid transition sees the transition error: either way, nothing changes.
          expect(succeeded).toBe(authorized && validTransition);
          if (!succeeded) {
            expect(["ConsentRegistryUnauthorized", "ConsentRegistryInvalidTransition"]).toContain(errorName);
          }
          if (succeeded) status = target;
          if (status === Status.Revoked) everRevoked = true;
          const onChain = (await consents.getConsent(consentId)).status as bigint;
          expect(onChain).toBe(status);
          if (everRevoked) {
            expect(onChain).toBe(Status.Revoked);
            const decision = await consents.check(consentId, f.accounts.agency.address, citizen, SCOPES, code("benefits"));
            expect(decision).not.toBe(0n);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  // Regression: consents a guardian granted outlived the guardianship. Whatever the sequence of
  // removals (by the citizen, the guardian, a registrar), re-appointments, confirmations (by
  // anyone), pauses and time passing, the grant stands exactly while its guardianship does or once
  // the citizen confirmed it; lapseOf says why, and the indexer's rule (decisions.guardianLapse),
  // fed the chain's own records, says the same.
  type GAction =
    | { kind: "remove"; by: "citizen" | "guardian" | "registrar" }
    | { kind: "reappoint" }
    | { kind: "confirm"; by: "citizen" | "guardian" | "outsider" }
    | { kind: "toggle" }
    | { kind: "advance" };
  const gActionArb: fc.Arbitrary<GAction> = fc.oneof(
    fc.record({ kind: fc.constant("remove" as const), by: fc.constantFrom("citizen" as const, "guardian" as const, "registrar" as const) }),
    fc.constant({ kind: "reappoint" as const }),
    fc.record({ kind: fc.constant("confirm" as const), by: fc.constantFrom("citizen" as const, "guardian" as const, "outsider" as const) }),
    fc.constant({ kind: "toggle" as const }),
    fc.constant({ kind: "advance" as const }),
  );
  const LIFETIME = 1500;

  it("a guardian's grant lapses with its guardianship unless the citizen confirmed it; the index rule agrees", async () => {
    const identity = f.contracts.identityRegistry;
    const [c, , , , o] = f.accounts.others;
    const g = f.accounts.others[6];
    const localCitizen = hexlify(randomBytes(32));
    const c2 = f.accounts.others[7];
    await (await identity.connect(f.accounts.registrar).register(localCitizen, c2.address, hexlify(randomBytes(32)), 2)).wait();
    void c;
    const base = await f.snapshot();
    let snap = base;
    await fc.assert(
      fc.asyncProperty(fc.array(gActionArb, { minLength: 1, maxLength: 10 }), async (actions) => {
        await f.revert(snap);
        snap = await f.snapshot();
        let now = await f.now();
        await (await identity.connect(c2).addGuardian(localCitizen, g.address, SCOPES, now + LIFETIME)).wait();
        const receipt = await (
          await consents.connect(g).grant({ citizen: localCitizen, agency: f.accounts.agency.address, scopes: SCOPES, purpose: code("care"), validFrom: now - 1, validUntil: now + 10 ** 7, maxUses: 0 })
        ).wait();
        const id = consents.interface.parseLog(receipt.logs[0])?.args.consentId as string;
        let removed = false;
        let replaced = false;
        let confirmed = false;
        let revoked = false;
        let paused = false;
        let expiresAt = BigInt(now + LIFETIME);
        for (const action of actions) {
          now = await f.now();
          const expired = BigInt(now + 1) >= expiresAt; // the next block is at least one second later
          try {
            if (action.kind === "advance") await f.increaseTime(1000);
            else if (action.kind === "remove") {
              const signer = action.by === "citizen" ? c2 : action.by === "guardian" ? g : f.accounts.registrar;
              await (await identity.connect(signer).removeGuardian(localCitizen, g.address)).wait();
              expect(removed).toBe(false);
              removed = true;
            } else if (action.kind === "reappoint") {
              await (await identity.connect(c2).addGuardian(localCitizen, g.address, SCOPES, now + 1 + LIFETIME)).wait();
              expect(removed || expired).toBe(true);
              replaced = true;
              removed = false;
              expiresAt = (await identity.getGuardian(localCitizen, g.address)).expiresAt as bigint;
            } else if (action.kind === "confirm") {
              const signer = action.by === "citizen" ? c2 : action.by === "guardian" ? g : o;
              await (await consents.connect(signer).confirm(id)).wait();
              expect(action.by === "citizen" && !confirmed && !revoked).toBe(true);
              confirmed = true;
            } else {
              // The citizen pauses and resumes; the lapse does not depend on the status.
              await (await consents.connect(c2)[paused ? "resume" : "pause"](id)).wait();
              paused = !paused;
            }
          } catch (error) {
            const name = decodeRevert(error).name;
            if (action.kind === "remove") expect(removed).toBe(true);
            if (action.kind === "reappoint") expect(name).toBe("IdentityRegistryGuardianActive");
            if (action.kind === "confirm") expect(action.by !== "citizen" || confirmed || revoked).toBe(true);
            if (action.kind === "toggle" || action.kind === "advance") throw error;
          }
          now = await f.now();
          const expected = confirmed
            ? Lapse.None
            : replaced
              ? Lapse.GuardianReplaced
              : removed
                ? Lapse.GuardianRemoved
                : BigInt(now) >= expiresAt
                  ? Lapse.GuardianExpired
                  : Lapse.None;
          const onChain = Number(await consents.lapseOf(id));
          expect(onChain).toBe(expected);
          const stored = await consents.getConsent(id);
          const record = await identity.getGuardian(localCitizen, g.address);
          const indexed = guardianLapse({
            byGuardian: stored.byGuardian as boolean,
            confirmed: (stored.confirmedAt as bigint) !== 0n,
            guardianSince: stored.guardianSince as bigint,
            guardian: { addedAt: record.addedAt as bigint, removed: (record.removedAt as bigint) !== 0n, expiresAt: record.expiresAt as bigint },
            now: BigInt(now),
          });
          expect(indexed).toBe(onChain);
          const decision = await consents.check(id, f.accounts.agency.address, localCitizen, SCOPES, code("care"));
          expect(decision).toBe(paused ? 8n : expected === Lapse.None ? 0n : 12n);
        }
      }),
      { numRuns: 60 },
    );
    await f.revert(base);
  });
});
