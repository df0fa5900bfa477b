// The project's compiled contracts (Hardhat's artifacts/), deployed with any ethers signer: for
// tests and benchmarks that talk to a chain over plain JSON-RPC rather than through Ignition.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
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
