// The project's compiled contracts (Hardhat's artifacts/), deployed with any ethers signer: for
// tests and benchmarks that talk to a chain over plain JSON-RPC rather than through Ignition.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { registerFixtureAgency } from "./agencies.js";
import { ContractFactory, type Contract, type ContractRunner, type InterfaceAbi, type Signer } from "ethers";

export type Artifact = { abi: InterfaceAbi; bytecode: string };

export async function readArtifact(name: string): Promise<Artifact> {
  return JSON.parse(await readFile(join("artifacts", "contracts", `${name}.sol`, `${name}.json`), "utf8")) as Artifact;
}

export async function deployArtifact(name: string, signer: Signer, args: unknown[] = []): Promise<Contract> {
  const a = await readArtifact(name);
  const contract = await new ContractFactory(a.abi, a.bytecode, signer as Signer & ContractRunner).deploy(...args);
  await contract.waitForDeployment();
  return contract as Contract;
}

export type WiredImi = {
  contracts: { bootstrap: Contract; accessManager: Contract; identityRegistry: Contract; credentialRegistry: Contract; consentRegistry: Contract; accessLog: Contract; accountRules: Contract; agencyRegistry: Contract };
  /** The addresses under their deployment-manifest names. */
  addresses: { accessManager: string; identityRegistry: string; credentialRegistry: string; consentRegistry: string; accessLog: string; accountRules: string; agencyRegistry: string };
};

/**
 * Deploys every IMI contract from its artifact and wires them through ImiBootstrap in one call,
 * the way the Ignition module does: `roles[i]` goes to `accounts[i]`, the governor gets admin and
 * the deployer keeps nothing.
 */
export async function deployWiredImi(
  deployer: Signer,
  p: { governor: string; roles: number[]; accounts: string[]; allowlist: string[]; recoveryDelay?: number; governorSigner?: Signer },
): Promise<WiredImi> {
  const bootstrap = await deployArtifact("ImiBootstrap", deployer);
  const accessManager = await deployArtifact("ImiAccessManager", deployer, [await bootstrap.getAddress()]);
  const manager = await accessManager.getAddress();
  const identityRegistry = await deployArtifact("IdentityRegistry", deployer, [manager, p.recoveryDelay ?? 3 * 24 * 3600]);
  const credentialRegistry = await deployArtifact("CredentialRegistry", deployer, [manager]);
  const enterpriseRegistry = await deployArtifact("EnterpriseRegistry", deployer, [manager, await identityRegistry.getAddress()]);
  const agencyRegistry = await deployArtifact("AgencyRegistry", deployer, [manager]);
  const consentRegistry = await deployArtifact("ConsentRegistry", deployer, [manager, await identityRegistry.getAddress(), await enterpriseRegistry.getAddress(), await agencyRegistry.getAddress()]);
  const accessLog = await deployArtifact("AccessLog", deployer, [manager]);
  const accountRules = await deployArtifact("AccountRules", deployer, [manager]);
  const wiring = {
    manager,
    identityRegistry: await identityRegistry.getAddress(),
    credentialRegistry: await credentialRegistry.getAddress(),
    consentRegistry: await consentRegistry.getAddress(),
    accessLog: await accessLog.getAddress(),
    accountRules: await accountRules.getAddress(),
  };
  await (await bootstrap.getFunction("configure")(wiring, p.governor, p.roles, p.accounts, p.allowlist)).wait();
  // Agencies ask only for what they registered: with the governor's signer, every agency given here registers broadly.
  if (p.governorSigner) for (const [i, role] of p.roles.entries()) if (role === 3) await registerFixtureAgency(agencyRegistry, p.governorSigner, p.accounts[i]!);
  return {
    contracts: { bootstrap, accessManager, identityRegistry, credentialRegistry, consentRegistry, accessLog, accountRules, agencyRegistry },
    addresses: { accessManager: manager, identityRegistry: wiring.identityRegistry, credentialRegistry: wiring.credentialRegistry, consentRegistry: wiring.consentRegistry, accessLog: wiring.accessLog, accountRules: wiring.accountRules, agencyRegistry: await agencyRegistry.getAddress() },
  };
}
