// The documented deploy command, `npx hardhat ignition deploy ignition/modules/Imi.ts --network imi
// --parameters params.json`, run as an operator runs it against the embedded node: the `imi`
// network's account comes from the IMI_DEPLOYER_KEY configuration variable, and the prompt that
// asks to confirm the network is answered on stdin.
import { spawn } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Contract, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChain, withFeeFloat, type Chain } from "../../node/chain/index.js";
import { makeTempDir, providerFor, quietLogger } from "../node/chain/helpers.js";

// A chain id of this run's own, so Ignition's journal (ignition/deployments/chain-<id>) is ours to remove.
const chainId = 900_000 + (process.pid % 90_000);
const journal = join("ignition", "deployments", `chain-${chainId}`);
let dir: string;
let chain: Chain;
const deployer = Wallet.createRandom();
const governor = Wallet.createRandom();
const gateway = Wallet.createRandom();

beforeAll(async () => {
  dir = await makeTempDir();
  const validator = Wallet.createRandom();
  chain = await startChain({
    dataDir: dir,
    validatorKey: validator.privateKey,
    port: 0,
    logger: quietLogger,
    genesis: withFeeFloat({ chainId, validator: validator.address, allowlist: [deployer.address, governor.address] }),
  });
});
afterAll(async () => {
  await chain?.close();
  await rm(dir, { recursive: true, force: true });
  await rm(journal, { recursive: true, force: true });
});

function run(command: string, args: string[], env: NodeJS.ProcessEnv, input: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a hung run is stopped with the Hardhat process npx started.
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"], detached: true });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", reject);
    // A deploy that hangs (a prompt left open, a wait for blocks) fails with what it printed.
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 240_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
    child.stdin.end(input);
  });
}

describe("npx hardhat ignition deploy … --network imi", () => {
  it("deploys and wires IMI on the embedded node with the account from IMI_DEPLOYER_KEY", { timeout: 300_000 }, async () => {
    const params = join(dir, "params.json");
    await writeFile(
      params,
      JSON.stringify({ Imi: { governor: governor.address, roles: [5], accounts: [gateway.address], allowlist: [governor.address, gateway.address] } }),
    );
    const { code, out } = await run(
      "npx",
      ["hardhat", "ignition", "deploy", "ignition/modules/Imi.ts", "--network", "imi", "--parameters", params],
      { IMI_RPC_URL: chain.url, IMI_DEPLOYER_KEY: deployer.privateKey, NO_COLOR: "1", HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" },
      "y\n",
    );
    expect(code, out).toBe(0);
    const addresses = JSON.parse(await readFile(join(journal, "deployed_addresses.json"), "utf8")) as Record<string, string>;
    const provider = providerFor(chain.url);
    try {
      const rules = new Contract(addresses["Imi#AccountRules"]!, ["function isAllowed(address) view returns (bool)"], provider);
      expect(await rules.isAllowed(gateway.address)).toBe(true);
      const manager = new Contract(addresses["Imi#ImiAccessManager"]!, ["function hasRole(uint64,address) view returns (bool,uint32)"], provider);
      expect((await manager.hasRole(0n, governor.address))[0]).toBe(true);
      expect((await manager.hasRole(0n, deployer.address))[0]).toBe(false);
      expect((await manager.hasRole(5n, gateway.address))[0]).toBe(true);
    } finally {
      provider.destroy();
    }
  });

  it("without IMI_DEPLOYER_KEY the command names the missing variable and deploys nothing", { timeout: 300_000 }, async () => {
    const env: NodeJS.ProcessEnv = { IMI_RPC_URL: chain.url, NO_COLOR: "1", HARDHAT_DISABLE_TELEMETRY_PROMPT: "true", IMI_DEPLOYER_KEY: undefined };
    const before = chain.blockNumber();
    const { code, out } = await run("npx", ["hardhat", "ignition", "deploy", "ignition/modules/Imi.ts", "--network", "imi", "--parameters", join(dir, "params.json"), "--deployment-id", `missing-key-${chainId}`], env, "y\n");
    expect(code).not.toBe(0);
    expect(out).toContain("IMI_DEPLOYER_KEY");
    expect(chain.blockNumber()).toBe(before);
    await rm(join("ignition", "deployments", `missing-key-${chainId}`), { recursive: true, force: true });
  });
});
