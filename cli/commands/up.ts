import type { Command } from "commander";
import { CliError, EXIT } from "../CliError.js";

export type UpOptions = { json?: boolean };

export type UpResult = {
  network: string;
  chainId: number;
  governor: string;
  deployer: string;
  contracts: Record<string, string>;
};

/**
 * Builds nothing itself (npm start compiles first), deploys IMI through the Ignition module on
 * Hardhat's in-process network and returns the addresses. The embedded persistent node and the
 * gateway take this command's place once they exist.
 */
export async function up(): Promise<UpResult> {
  let hardhat: typeof import("hardhat");
  try {
    hardhat = await import("hardhat");
  } catch (cause) {
    throw new CliError("IMI_HARDHAT_UNAVAILABLE", "Hardhat could not be loaded; run `npm install` first.", {
      exitCode: EXIT.unavailable,
      cause,
    });
  }
  const { default: ImiModule } = await import("../../ignition/modules/Imi.js");
  const connection = await hardhat.network.create();
  const [deployer, governor] = await connection.ethers.getSigners();
  const deployed = await connection.ignition.deploy(ImiModule, {
    parameters: { Imi: { governor: governor.address, allowlist: [governor.address] } },
  });
  const contracts: Record<string, string> = {};
  for (const [name, contract] of Object.entries(deployed)) {
    contracts[name] = await (contract as { getAddress(): Promise<string> }).getAddress();
  }
  const network = await connection.ethers.provider.getNetwork();
  return {
    network: connection.networkName,
    chainId: Number(network.chainId),
    governor: governor.address,
    deployer: deployer.address,
    contracts,
  };
}

export function registerUp(program: Command): void {
  program
    .command("up")
    .description("deploy IMI and print what a person needs next")
    .action(async () => {
      const json = program.opts<{ json?: boolean }>().json === true;
      if (!json) console.log("Deploying IMI contracts on Hardhat's in-process network ...");
      const result = await up();
      if (json) {
        console.log(JSON.stringify({ ok: true, ...result }));
        return;
      }
      console.log(`\nIMI deployed on ${result.network} (chain id ${result.chainId})`);
      console.log(`governor  ${result.governor}   (holds the admin role; the deployer holds none)`);
      for (const [name, address] of Object.entries(result.contracts)) {
        console.log(`${name.padEnd(20)}${address}`);
      }
    });
}
