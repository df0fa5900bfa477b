// The project's contracts on the embedded node: ethers v6 deploys them and runs the consent flow,
// the node hands permissioning to the deployed AccountRules, and Hardhat Ignition deploys the
// module to the node as a plain `http` network.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, Wallet, hexlify, id, randomBytes, type Log, type LogDescription } from "ethers";
import { network } from "hardhat";
import ImiModule from "../../../ignition/modules/Imi.js";
import { CONSENT_TYPES, domainOf, signTyped } from "../../helpers/typedData.js";
import { startTestChain, type TestChain } from "./helpers.js";
import { deployWiredImi } from "../../helpers/artifacts.js";


const code = (text: string) => id(text);
const randomId = () => hexlify(randomBytes(32));

let t: TestChain;
// deployer, governor, registrar, agency, gateway, citizen (citizens send directly on the direct path)
let deployer: Wallet, governor: Wallet, registrar: Wallet, agency: Wallet, gateway: Wallet, citizenKey: Wallet;
let contracts: Record<string, Contract>;

beforeAll(async () => {
  t = await startTestChain({ accounts: 6 });
  [deployer, governor, registrar, agency, gateway, citizenKey] = t.wallets as [Wallet, Wallet, Wallet, Wallet, Wallet, Wallet];
  const roles = [1, 3, 5];
  const accounts = [registrar.address, agency.address, gateway.address];
  const allowlist = [governor.address, registrar.address, agency.address, gateway.address, citizenKey.address];
  contracts = (await deployWiredImi(deployer, { governor: governor.address, governorSigner: governor, roles, accounts, allowlist })).contracts;
});

afterAll(async () => t.cleanup());

describe("the project's contracts on the embedded node", () => {
  it("ethers v6 deploys the contracts and runs the consent flow (direct and signed paths)", async () => {
    const identity = contracts.identityRegistry!;
    const consents = contracts.consentRegistry!;
    const citizen = randomId();
    await (await identity.connect(registrar).getFunction("register")(citizen, citizenKey.address, randomId(), 2)).wait();

    const now = (await t.provider.getBlock("latest"))!.timestamp;
    const request = (purpose: string) => ({
      citizen,
      agency: agency.address,
      scopes: 0b110n,
      purpose: code(purpose),
      validFrom: now,
      validUntil: now + 86_400 * 90,
      maxUses: 10,
    });
    // Direct path: the citizen sends the grant itself, with no funds (gas price zero).
    expect(await t.provider.getBalance(citizenKey.address)).toBe(0n);
    const direct = await (await consents.connect(citizenKey).getFunction("grant")(request("benefits"))).wait();
    expect(direct!.status).toBe(1);
    const granted = direct!.logs.map((l: Log) => consents.interface.parseLog(l)).find((e: LogDescription | null) => e?.name === "ConsentGranted");
    expect(granted).toBeDefined();
    const consentId = await consents.getFunction("latestConsent")(citizen, agency.address, code("benefits"));
    expect(consentId).toBe(granted!.args[0]);
    expect((await consents.getFunction("mayAccess")(agency.address, citizen, 0b010n, code("benefits")))[0]).toBe(true);

    // Signed path: the citizen signs EIP-712, the gateway relays.
    const signedRequest = request("tax");
    const deadline = now + 3600;
    const signature = await signTyped(
      citizenKey,
      domainOf("IMI ConsentRegistry", BigInt(t.chain.chainId), await consents.getAddress()),
      CONSENT_TYPES,
      "Grant",
      { ...signedRequest, nonce: await consents.getFunction("nonces")(citizenKey.address), deadline },
    );
    const relayed = await (await consents.connect(gateway).getFunction("grantBySig")(signedRequest, { signer: citizenKey.address, deadline, signature })).wait();
    expect(relayed!.status).toBe(1);
    expect((await consents.getFunction("mayAccess")(agency.address, citizen, 0b100n, code("tax")))[0]).toBe(true);

    // Revoke and read the whole history back from the log index.
    await (await consents.connect(citizenKey).getFunction("revoke")(consentId)).wait();
    expect((await consents.getFunction("mayAccess")(agency.address, citizen, 0b010n, code("benefits")))[0]).toBe(false);
    const grants = await consents.queryFilter(consents.filters.ConsentGranted!(), 0, "latest");
    expect(grants).toHaveLength(2);
    const changes = await consents.queryFilter(consents.filters.ConsentStatusChanged!(), 0, "latest");
    expect(changes.length).toBeGreaterThanOrEqual(1);
  });

  it("estimates gas and surfaces custom-error revert data for eth_call and eth_estimateGas", async () => {
    const identity = contracts.identityRegistry!;
    // Only the registrar role may register: an outsider's call reverts with the contract's custom error.
    const outsider = identity.connect(citizenKey);
    await expect(outsider.getFunction("register").staticCall(randomId(), citizenKey.address, randomId(), 2)).rejects.toMatchObject({ code: "CALL_EXCEPTION" });
    await expect(outsider.getFunction("register").estimateGas(randomId(), citizenKey.address, randomId(), 2)).rejects.toMatchObject({ code: "CALL_EXCEPTION" });
    const estimate = await identity.connect(registrar).getFunction("register").estimateGas(randomId(), Wallet.createRandom().address, randomId(), 2);
    expect(estimate).toBeGreaterThan(21_000n);
  });

  it("estimates enough gas for the next second: a revoke estimated in its grant's second still succeeds a second later", async () => {
    const identity = contracts.identityRegistry!;
    const consents = contracts.consentRegistry!;
    // The citizen key controls one identity: the one the first test registered, or a new one.
    let citizen: string = await identity.getFunction("identityOf")(citizenKey.address);
    if (BigInt(citizen) === 0n) {
      citizen = randomId();
      await (await identity.connect(registrar).getFunction("register")(citizen, citizenKey.address, randomId(), 2)).wait();
    }
    // Grant at the top of a second and estimate the revoke in the second the grant was sealed;
    // then send it in a later second, where `updatedAt` changes and the store costs more than
    // rewriting the same value. A loaded machine may miss the second: try again, up to three times.
    const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
    let sameSecond = false;
    for (let attempt = 0; attempt < 3 && !sameSecond; attempt++) {
      const purpose = code(`timing-${randomId()}`);
      // A fresh purpose each attempt, declared for the agency first (agencies ask only for what they registered).
      await (await contracts.agencyRegistry.connect(governor).getFunction("declarePurposes")(agency.address, [{ purpose, scopes: 1n, nameZh: "计时", nameEn: "timing" }])).wait();
      await nextSecond();
      const now = (await t.provider.getBlock("latest"))!.timestamp;
      const grant = await (
        await consents.connect(citizenKey).getFunction("grant")({ citizen, agency: agency.address, scopes: 1n, purpose, validFrom: now, validUntil: now + 86_400, maxUses: 1 })
      ).wait();
      const grantedAt = (await t.provider.getBlock(grant!.blockNumber))!.timestamp;
      const consentId = await consents.getFunction("latestConsent")(citizen, agency.address, purpose);
      const gasLimit = await consents.connect(citizenKey).getFunction("revoke").estimateGas(consentId);
      sameSecond = Math.floor(Date.now() / 1000) === grantedAt;
      await nextSecond();
      const revoked = await (await consents.connect(citizenKey).getFunction("revoke")(consentId, { gasLimit })).wait();
      expect(revoked!.status).toBe(1);
      expect((await t.provider.getBlock(revoked!.blockNumber))!.timestamp).toBeGreaterThan(grantedAt);
    }
    expect(sameSecond).toBe(true);
  });

  it("hands permissioning to the AccountRules contract once it is set", async () => {
    const rules = contracts.accountRules!;
    const rulesAddress = await rules.getAddress();
    t.chain.setAccountRules(rulesAddress);
    expect(t.chain.accountRules()).toBe(rulesAddress.toLowerCase());
    try {
      // The deployer is in the genesis allowlist but not in AccountRules: refused now.
      await expect(deployer.sendTransaction({ to: deployer.address })).rejects.toMatchObject({ error: { code: -32007 } });
      // A newcomer is not in the genesis allowlist; AccountRules admits it after the governor allows it.
      const newcomer = Wallet.createRandom().connect(t.provider);
      await expect(newcomer.sendTransaction({ to: newcomer.address })).rejects.toMatchObject({ error: { code: -32007 } });
      await (await rules.connect(governor).getFunction("allow")(newcomer.address)).wait();
      expect((await (await newcomer.sendTransaction({ to: newcomer.address })).wait())!.status).toBe(1);
    } finally {
      t.chain.setAccountRules(undefined);
    }
  });

  it("drops pooled transactions of a sender disallowed after they were admitted", async () => {
    const rules = contracts.accountRules!;
    const rulesAddress = await rules.getAddress();
    const newcomer = Wallet.createRandom();
    t.chain.setAccountRules(rulesAddress);
    await (await rules.connect(governor).getFunction("allow")(newcomer.address)).wait();
    // A long batch delay pools both transactions below before their block is built.
    await t.restart({ accountRules: rulesAddress, batchDelayMs: 400 });
    try {
      const g = governor.connect(t.provider);
      const n = newcomer.connect(t.provider);
      const disallow = await rules.connect(g).getFunction("disallow")(newcomer.address, { gasLimit: 200_000n });
      // Admitted: the disallow is pooled, not executed yet.
      const doomed = await n.sendTransaction({ to: newcomer.address, nonce: 0, gasLimit: 21_000n, gasPrice: 0n });
      const disallowed = await disallow.wait();
      // A later block: the dropped transaction did not just move to the next one.
      const later = await (await g.sendTransaction({ to: g.address, gasLimit: 21_000n, gasPrice: 0n })).wait();
      expect(later!.blockNumber).toBeGreaterThan(disallowed!.blockNumber);
      expect(await t.provider.getTransactionReceipt(doomed.hash)).toBeNull();
      expect(await t.provider.getTransaction(doomed.hash)).toBeNull();
      expect(await t.provider.getTransactionCount(newcomer.address)).toBe(0);
      await expect(n.sendTransaction({ to: newcomer.address, nonce: 0, gasLimit: 21_000n, gasPrice: 0n })).rejects.toMatchObject({ error: { code: -32007 } });
    } finally {
      await t.restart({ accountRules: undefined, batchDelayMs: undefined });
      [deployer, governor, registrar, agency, gateway, citizenKey] = t.wallets as [Wallet, Wallet, Wallet, Wallet, Wallet, Wallet];
    }
  });

  it("the Hardhat Ignition module deploys to the node as an http network", async () => {
    const deploymentId = `test-imi-chain-${process.pid}-${Date.now()}`;
    const connection = await network.create({
      network: "imi",
      override: { url: t.chain.url, accounts: [deployer.privateKey] },
    });
    try {
      expect(connection.networkConfig.type).toBe("http");
      const deployed = await connection.ignition.deploy(ImiModule, {
        deploymentId,
        parameters: { Imi: { governor: governor.address, roles: [5], accounts: [gateway.address], allowlist: [governor.address, gateway.address] } },
      });
      expect((await deployed.accessManager.hasRole(0n, governor.address))[0]).toBe(true);
      expect((await deployed.accessManager.hasRole(0n, deployer.address))[0]).toBe(false);
      expect(await deployed.accountRules.isAllowed(gateway.address)).toBe(true);
      const code = await t.provider.getCode(await deployed.consentRegistry.getAddress());
      expect(code.length).toBeGreaterThan(2);
    } finally {
      await connection.close();
      await rm(join("ignition", "deployments", deploymentId), { recursive: true, force: true });
    }
  });
});
