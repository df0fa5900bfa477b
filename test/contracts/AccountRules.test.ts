import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZeroAddress } from "ethers";
import { deployImi, type ImiContract, type ImiFixture } from "../helpers/deployImi.js";
import { expectRevert } from "../helpers/revert.js";

describe("AccountRules", () => {
  let f: ImiFixture;
  let rules: ImiContract;
  let snapshotId: string;

  beforeAll(async () => {
    f = await deployImi();
    rules = f.contracts.accountRules;
  });
  beforeEach(async () => {
    if (snapshotId) await f.revert(snapshotId);
    snapshotId = await f.snapshot();
  });

  it("starts with the deployment's allowlist", async () => {
    const { governor, registrar, issuer, agency, gateway, others } = f.accounts;
    for (const account of [governor, registrar, issuer, agency, gateway]) {
      expect(await rules.isAllowed(account.address)).toBe(true);
    }
    expect(await rules.isAllowed(others[0].address)).toBe(false);
    expect(await rules.allowedCount()).toBe(5n);
  });

  it("the governor allows and disallows; Besu's transactionAllowed follows the sender", async () => {
    const account = f.accounts.others[0].address;
    const gov = rules.connect(f.accounts.governor);
    await (await gov.allow(account)).wait();
    expect(await rules.transactionAllowed(account, ZeroAddress, 0, 0, 21000, "0x")).toBe(true);
    await expectRevert(gov.allow(account), "AccountRulesAlreadyAllowed", [account]);
    await (await gov.disallow(account)).wait();
    expect(await rules.transactionAllowed(account, ZeroAddress, 0, 0, 21000, "0x")).toBe(false);
    await expectRevert(gov.disallow(account), "AccountRulesNotAllowed", [account]);
    await expectRevert(gov.allow(ZeroAddress), "AccountRulesZeroAddress");
    await (await gov.allowMany([f.accounts.others[1].address, f.accounts.governor.address])).wait();
    expect(await rules.allowedCount()).toBe(6n);
    await expectRevert(gov.allowMany([ZeroAddress]), "AccountRulesZeroAddress");
    const tooMany = Array.from({ length: 257 }, () => f.accounts.others[2].address);
    await expectRevert(gov.allowMany(tooMany), "AccountRulesBatchTooLarge");
  });

  it("nobody else manages the list", async () => {
    for (const signer of [f.accounts.registrar, f.accounts.gateway, f.accounts.deployer]) {
      await expectRevert(rules.connect(signer).allow(f.accounts.others[0].address), "AccessManagedUnauthorized");
      await expectRevert(rules.connect(signer).disallow(f.accounts.governor.address), "AccessManagedUnauthorized");
    }
  });
});
