// The AccessManager's role actions, on the direct path (the governor sends them): each write
// returns the block it was mined in, the role ids are the SDK's, and bad input or the wrong sender
// is refused with a stable code before anything changes.
import { beforeAll, describe, expect, test } from "vitest";
import { AccessManagerUnauthorizedAccountError, IMI_ROLES, InvalidInputError } from "@imi-ledger/sdk";
import { caught, sdkFixture, type SdkFixture } from "./fixture.js";

let fx: SdkFixture;
beforeAll(async () => {
  fx = await sdkFixture();
});

async function minedIn(hash: string): Promise<number> {
  const receipt = (await fx.rpc.request({ method: "eth_getTransactionReceipt", params: [hash] })) as { blockNumber: string };
  return Number(BigInt(receipt.blockNumber));
}

describe("AccessManager role actions", () => {
  test("the governor grants, labels and revokes a role; every write returns the block it was mined in", async () => {
    const { governor } = fx.clients;
    const member = fx.freshAccount().address;
    expect(await governor.roles.has({ role: "attester", member })).toEqual({ isMember: false, executionDelay: 0 });

    const granted = await governor.roles.grant({ role: "attester", member });
    expect(granted.roleId).toBe(IMI_ROLES.attester);
    expect(granted.blockNumber).toBe(await minedIn(granted.hash));
    expect((await governor.roles.has({ role: IMI_ROLES.attester, member })).isMember).toBe(true);

    const labelled = await governor.roles.label({ role: "attester", label: "Community attesters" });
    expect(labelled.blockNumber).toBe(await minedIn(labelled.hash));

    const revoked = await governor.roles.revoke({ role: "attester", member });
    expect(revoked.blockNumber).toBe(await minedIn(revoked.hash));
    expect(revoked.blockNumber).toBeGreaterThan(granted.blockNumber);
    expect((await governor.roles.has({ role: "attester", member })).isMember).toBe(false);
  });

  test("other write actions return their block too (setAccountAllowed)", async () => {
    const allowed = await fx.clients.governor.accountRules.setAllowed({ accounts: [fx.freshAccount().address], allowed: true });
    expect(allowed.blockNumber).toBe(await minedIn(allowed.hash));
  });

  test("an unknown role or an empty label is refused before anything is sent", async () => {
    const member = fx.freshAccount().address;
    const before = await fx.rpc.request({ method: "eth_blockNumber" });
    const badRole = await caught(() => fx.clients.governor.roles.grant({ role: "emperor" as never, member }));
    expect(badRole).toBeInstanceOf(InvalidInputError);
    expect(badRole.code).toBe("INVALID_ROLE");
    const badLabel = await caught(() => fx.clients.governor.roles.label({ role: "agency", label: " " }));
    expect(badLabel.code).toBe("INVALID_LABEL");
    expect(await fx.rpc.request({ method: "eth_blockNumber" })).toBe(before);
  });

  test("only the governor grants: an agency's grant is refused with the AccessManager's error", async () => {
    const member = fx.freshAccount().address;
    const refused = await caught(() => fx.clients.agency.roles.grant({ role: "registrar", member }));
    expect(refused).toBeInstanceOf(AccessManagerUnauthorizedAccountError);
    expect(refused.code).toBe("CONTRACT_REVERT");
    expect((await fx.clients.reader.roles.has({ role: "registrar", member })).isMember).toBe(false);
  });
});
