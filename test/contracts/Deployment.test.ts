// The deployment as a whole: who holds which role after the Ignition module ran, that every
// privileged function is mapped to the intended role, and that the bootstrap cannot be reused.
import { beforeAll, describe, expect, it } from "vitest";
import { ZeroAddress, ZeroHash } from "ethers";
import { deployImi, type ImiContract, ROLE, type ImiFixture } from "../helpers/deployImi.js";
import { expectRevert } from "../helpers/revert.js";

type Privileged = { contract: keyof ImiFixture["contracts"]; fn: string; args: unknown[]; role: bigint };

const h = "0x" + "11".repeat(32);
const a = "0x" + "22".repeat(20);
const auth = { signer: a, deadline: 0, signature: "0x" };

/** Every state-changing function behind a role, with harmless arguments. */
const PRIVILEGED: Privileged[] = [
  { contract: "identityRegistry", fn: "register", args: [h, a, h, 2], role: ROLE.REGISTRAR },
  { contract: "identityRegistry", fn: "registerBatch", args: [[{ citizen: h, controller: a, commitment: h, level: 2 }]], role: ROLE.REGISTRAR },
  { contract: "identityRegistry", fn: "updateRecord", args: [h, h, 2], role: ROLE.REGISTRAR },
  { contract: "identityRegistry", fn: "initiateRecovery", args: [h, a], role: ROLE.REGISTRAR },
  { contract: "identityRegistry", fn: "appointGuardian", args: [h, a, 1, 1], role: ROLE.REGISTRAR },
  { contract: "identityRegistry", fn: "deactivate", args: [h, h], role: ROLE.REGISTRAR },
  { contract: "identityRegistry", fn: "attest", args: [h, h, h, 0], role: ROLE.ATTESTER },
  { contract: "identityRegistry", fn: "setRecoveryDelay", args: [7200], role: ROLE.GOVERNOR },
  { contract: "credentialRegistry", fn: "registerSchema", args: [h, "x", "1"], role: ROLE.GOVERNOR },
  { contract: "credentialRegistry", fn: "deprecateSchema", args: [h], role: ROLE.GOVERNOR },
  { contract: "credentialRegistry", fn: "setIssuerTrust", args: [h, a, true], role: ROLE.GOVERNOR },
  { contract: "credentialRegistry", fn: "anchor", args: [h, h, h, 0, 0], role: ROLE.ISSUER },
  { contract: "credentialRegistry", fn: "anchorMany", args: [[h], [h], h, 0, 0], role: ROLE.ISSUER },
  { contract: "credentialRegistry", fn: "anchorBatch", args: [h, 1, h, 0, 0], role: ROLE.ISSUER },
  { contract: "consentRegistry", fn: "grantStatutory", args: [h, a, 1, h, h, 0, 1], role: ROLE.GOVERNOR },
  { contract: "consentRegistry", fn: "revokeStatutory", args: [h], role: ROLE.GOVERNOR },
  { contract: "consentRegistry", fn: "reviewStatutory", args: [h, h], role: ROLE.AUDITOR },
  { contract: "accessLog", fn: "anchor", args: [h, 1, 1, 1, ZeroHash], role: ROLE.GATEWAY },
  { contract: "accountRules", fn: "allow", args: [a], role: ROLE.GOVERNOR },
  { contract: "accountRules", fn: "allowMany", args: [[a]], role: ROLE.GOVERNOR },
  { contract: "accountRules", fn: "disallow", args: [a], role: ROLE.GOVERNOR },
];

/** State-changing functions open to anyone: authorization is by controller key, signature or issuer. */
const OPEN: Record<string, string[]> = {
  identityRegistry: [
    "rotateKey", "rotateKeyBySig", "cancelRecovery", "cancelRecoveryBySig", "completeRecovery",
    "addGuardian", "addGuardianBySig", "removeGuardian", "removeGuardianBySig", "revokeAttestation",
    "bumpNonce", "setAuthority",
  ],
  credentialRegistry: ["revoke", "suspend", "reinstate", "setBatchedStatus", "setBatchStatus", "setAuthority"],
  consentRegistry: [
    "grant", "grantBySig", "revoke", "revokeBySig", "pause", "pauseBySig", "resume", "resumeBySig",
    "confirm", "confirmBySig",
    // consume checks the gateway role itself (ConsentRegistryNotAGateway), like check() the agency role.
    "consume",
    "bumpNonce", "setAuthority",
  ],
  accessLog: ["setAuthority"],
  accountRules: ["setAuthority"],
};

describe("deployment", () => {
  let f: ImiFixture;
  beforeAll(async () => {
    f = await deployImi();
  });

  it("leaves the deployer and the bootstrap with no role; the governor is admin", async () => {
    const manager = f.contracts.accessManager;
    const bootstrap = await f.contracts.bootstrap.getAddress();
    for (const role of Object.values(ROLE)) {
      expect((await manager.hasRole(role, f.accounts.deployer.address))[0]).toBe(false);
      expect((await manager.hasRole(role, bootstrap))[0]).toBe(false);
    }
    expect((await manager.hasRole(ROLE.GOVERNOR, f.accounts.governor.address))[0]).toBe(true);
    expect((await manager.hasRole(ROLE.REGISTRAR, f.accounts.registrar.address))[0]).toBe(true);
    expect((await manager.hasRole(ROLE.GATEWAY, f.accounts.gateway2.address))[0]).toBe(true);
    for (const name of ["identityRegistry", "credentialRegistry", "consentRegistry", "accessLog", "accountRules"] as const) {
      expect(await f.contracts[name].authority()).toBe(await manager.getAddress());
    }
  });

  it("maps every privileged function to its role and refuses everyone else", async () => {
    const manager = f.contracts.accessManager;
    const outsider = f.accounts.others[0];
    for (const p of PRIVILEGED) {
      const contract: ImiContract = f.contracts[p.contract];
      const fragment = contract.interface.getFunction(p.fn);
      if (!fragment) throw new Error(`${p.contract}.${p.fn} missing`);
      expect(await manager.getTargetFunctionRole(await contract.getAddress(), fragment.selector), `${p.contract}.${p.fn}`).toBe(p.role);
      await expectRevert(contract.connect(outsider).getFunction(p.fn)(...p.args), "AccessManagedUnauthorized", [outsider.address]);
      // The deployer, which wired everything, keeps no power either.
      await expectRevert(contract.connect(f.accounts.deployer).getFunction(p.fn)(...p.args), "AccessManagedUnauthorized");
    }
  });

  it("classifies every state-changing function as privileged or open (new functions must be placed)", () => {
    for (const name of Object.keys(OPEN)) {
      const contract: ImiContract = f.contracts[name as keyof ImiFixture["contracts"]];
      const privileged = PRIVILEGED.filter((p) => p.contract === name).map((p) => p.fn);
      contract.interface.forEachFunction((fn) => {
        if (fn.stateMutability === "view" || fn.stateMutability === "pure") return;
        expect(privileged.includes(fn.name) || OPEN[name].includes(fn.name), `${name}.${fn.name} unclassified`).toBe(true);
      });
    }
  });

  it("setAuthority is only callable by the AccessManager itself", async () => {
    await expectRevert(
      f.contracts.consentRegistry.connect(f.accounts.governor).setAuthority(f.accounts.governor.address),
      "AccessManagedUnauthorized",
    );
  });

  it("the bootstrap configures once, for its deployer only", async () => {
    const bootstrap = f.contracts.bootstrap;
    const deployment = {
      manager: await f.contracts.accessManager.getAddress(),
      identityRegistry: await f.contracts.identityRegistry.getAddress(),
      credentialRegistry: await f.contracts.credentialRegistry.getAddress(),
      consentRegistry: await f.contracts.consentRegistry.getAddress(),
      accessLog: await f.contracts.accessLog.getAddress(),
      accountRules: await f.contracts.accountRules.getAddress(),
    };
    await expectRevert(
      bootstrap.connect(f.accounts.others[0]).configure(deployment, f.accounts.others[0].address, [], [], []),
      "ImiBootstrapUnauthorized",
    );
    await expectRevert(
      bootstrap.connect(f.accounts.deployer).configure(deployment, f.accounts.deployer.address, [], [], []),
      "ImiBootstrapAlreadyConfigured",
    );
  });

  it("a fresh bootstrap refuses mismatched grants, admin grants and zero addresses", async () => {
    const bootstrap = await f.ethers.deployContract("ImiBootstrap");
    const manager = await f.ethers.deployContract("ImiAccessManager", [await bootstrap.getAddress()]);
    const m = await manager.getAddress();
    const identity = await f.ethers.deployContract("IdentityRegistry", [m, 3600]);
    const i = await identity.getAddress();
    const deployment = { manager: m, identityRegistry: i, credentialRegistry: i, consentRegistry: i, accessLog: i, accountRules: i };
    const gov = f.accounts.governor.address;
    await expectRevert(bootstrap.configure(deployment, gov, [1, 2], [gov], []), "ImiBootstrapArrayLengthMismatch", [2, 1]);
    await expectRevert(bootstrap.configure(deployment, ZeroAddress, [], [], []), "ImiBootstrapZeroAddress");
    await expectRevert(bootstrap.configure(deployment, gov, [0], [gov], []), "ImiBootstrapForbiddenRole", [0]);
    await expectRevert(
      bootstrap.configure(deployment, gov, [2n ** 64n - 1n], [gov], []),
      "ImiBootstrapForbiddenRole",
    );
  });
});
