// Deploys IMI through the Ignition module on a fresh Hardhat in-process network (EDR) and
// hands back contracts, named accounts and clock helpers. Every test file gets its own chain.
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { Contract, ContractRunner } from "ethers";
import ImiModule from "../../ignition/modules/Imi.js";
import { registerFixtureAgency } from "./agencies.js";

export const ROLE = {
  GOVERNOR: 0n,
  REGISTRAR: 1n,
  ISSUER: 2n,
  AGENCY: 3n,
  AUDITOR: 4n,
  GATEWAY: 5n,
  ATTESTER: 6n,
  COUNTER: 7n,
  CREDIT_AUTHORITY: 8n,
} as const;

export const RECOVERY_DELAY = 3 * 24 * 60 * 60;

export type ImiAccounts = {
  deployer: HardhatEthersSigner;
  governor: HardhatEthersSigner;
  registrar: HardhatEthersSigner;
  issuer: HardhatEthersSigner;
  agency: HardhatEthersSigner;
  agency2: HardhatEthersSigner;
  auditor: HardhatEthersSigner;
  gateway: HardhatEthersSigner;
  gateway2: HardhatEthersSigner;
  attester: HardhatEthersSigner;
  /** Accounts holding no role: citizens, guardians, outsiders. */
  others: HardhatEthersSigner[];
};

/** An ethers Contract whose `connect` keeps the dynamic method typing (ethers returns BaseContract). */
export type ImiContract = { connect(runner: ContractRunner | null): ImiContract } & Contract;

export type ImiContracts = {
  accessManager: ImiContract;
  identityRegistry: ImiContract;
  credentialRegistry: ImiContract;
  consentRegistry: ImiContract;
  accessLog: ImiContract;
  accountRules: ImiContract;
  enterpriseRegistry: ImiContract;
  creditRegistry: ImiContract;
  communityRegistry: ImiContract;
  agencyRegistry: ImiContract;
  bootstrap: ImiContract;
};

/** `hardfork`: the EVM fork of the in-process network (default: the contracts' cancun); "osaka" adds the P-256 precompile. */
export async function deployImi(options: { hardfork?: string } = {}) {
  const connection = await network.create(options.hardfork ? { override: { hardfork: options.hardfork } } : undefined);
  const { ethers, ignition } = connection;
  const signers = await ethers.getSigners();
  const [deployer, governor, registrar, issuer, agency, agency2, auditor, gateway, gateway2, attester, ...others] =
    signers;
  const accounts: ImiAccounts = {
    deployer,
    governor,
    registrar,
    issuer,
    agency,
    agency2,
    auditor,
    gateway,
    gateway2,
    attester,
    others,
  };
  const grants: Array<[bigint, HardhatEthersSigner]> = [
    [ROLE.REGISTRAR, registrar],
    [ROLE.ISSUER, issuer],
    [ROLE.AGENCY, agency],
    [ROLE.AGENCY, agency2],
    [ROLE.AUDITOR, auditor],
    [ROLE.GATEWAY, gateway],
    [ROLE.GATEWAY, gateway2],
    [ROLE.ATTESTER, attester],
  ];
  const deployed = await ignition.deploy(ImiModule, {
    parameters: {
      Imi: {
        governor: governor.address,
        roles: grants.map(([role]) => Number(role)),
        accounts: grants.map(([, signer]) => signer.address),
        allowlist: [governor.address, registrar.address, issuer.address, agency.address, gateway.address],
        recoveryDelay: RECOVERY_DELAY,
      },
    },
  });
  const contracts = deployed as unknown as ImiContracts;
  // Agencies ask only for what they registered: the fixture's two agencies register broadly.
  for (const a of [agency, agency2]) await registerFixtureAgency(contracts.agencyRegistry, governor, a.address);
  const chainId = (await ethers.provider.getNetwork()).chainId;

  async function now(): Promise<number> {
    const block = await ethers.provider.getBlock("latest");
    if (!block) throw new Error("no latest block");
    return block.timestamp;
  }
  async function increaseTime(seconds: number): Promise<void> {
    await ethers.provider.send("evm_increaseTime", [seconds]);
    await ethers.provider.send("evm_mine", []);
  }
  async function snapshot(): Promise<string> {
    return ethers.provider.send("evm_snapshot", []);
  }
  async function revert(id: string): Promise<void> {
    await ethers.provider.send("evm_revert", [id]);
  }
  return { connection, ethers, ignition, accounts, contracts, chainId, now, increaseTime, snapshot, revert };
}

export type ImiFixture = Awaited<ReturnType<typeof deployImi>>;
