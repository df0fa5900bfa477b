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
});
