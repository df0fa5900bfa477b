// The Ignition module deploys over plain JSON-RPC (an `http` network) to a separate engine,
// Hardhat's own node, and the result is wired exactly as on the in-process network.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { network } from "hardhat";
import ImiModule from "../../ignition/modules/Imi.js";
import { startHardhatNode, type HardhatNode } from "../helpers/hardhatNode.js";

describe("Ignition module over HTTP JSON-RPC", () => {
  let node: HardhatNode;
  // Ignition journals http deployments under ignition/deployments/<id>: a unique id, removed afterwards.
  const deploymentId = `test-http-${process.pid}-${Date.now()}`;
  beforeAll(async () => {
    node = await startHardhatNode();
  });
  afterAll(async () => {
    await node?.stop();
    await rm(join("ignition", "deployments", deploymentId), { recursive: true, force: true });
  });

  it("deploys and wires IMI on Hardhat's node", async () => {
    // Hardhat's node holds the keys itself: its accounts, not the IMI_DEPLOYER_KEY configuration variable.
    const connection = await network.create({ network: "imi", override: { url: node.url, accounts: "remote" } });
    expect(connection.networkConfig.type).toBe("http");
    const [deployer, governor, registrar, gateway] = await connection.ethers.getSigners();
    const deployed = await connection.ignition.deploy(ImiModule, {
      deploymentId,
      parameters: {
        Imi: {
          governor: governor.address,
          roles: [1, 5],
          accounts: [registrar.address, gateway.address],
          allowlist: [governor.address, registrar.address, gateway.address],
        },
      },
    });
    const manager = deployed.accessManager;
    expect((await manager.hasRole(0n, governor.address))[0]).toBe(true);
    expect((await manager.hasRole(0n, deployer.address))[0]).toBe(false);
    expect((await manager.hasRole(1n, registrar.address))[0]).toBe(true);
    expect(await deployed.accountRules.isAllowed(gateway.address)).toBe(true);
    expect(await deployed.identityRegistry.recoveryDelay()).toBe(3n * 24n * 3600n);
    await connection.close();
  });
});
