// The SDK against a second, separate engine: Hardhat's own node over HTTP, with IMI deployed by
// the Ignition module, and the client reading the deployment directory Ignition wrote.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { network } from "hardhat";
import { afterAll, beforeAll, expect, test } from "vitest";
import ImiModule from "../../ignition/modules/Imi.js";
import { generatePrivateKey, privateKeyToAccount, purposeCode, randomBytes32, type Hex } from "@imi-ledger/sdk";
import { createImiClient, loadDeployment } from "@imi-ledger/sdk";
import { startHardhatNode, type HardhatNode } from "../helpers/hardhatNode.js";
import { hardhatAccount } from "./fixture.js";

let node: HardhatNode;
const deploymentId = `sdk-test-${process.pid}-${Date.now()}`;
const deploymentDir = join("ignition", "deployments", deploymentId);
const [governor, registrar, agency, gateway] = [1, 2, 3, 4].map(hardhatAccount);

beforeAll(async () => {
  node = await startHardhatNode();
  // Hardhat's node holds the keys itself: its accounts, not the IMI_DEPLOYER_KEY configuration variable.
  const connection = await network.create({ network: "imi", override: { url: node.url, accounts: "remote" } });
  await connection.ignition.deploy(ImiModule, {
    deploymentId,
    parameters: {
      Imi: {
        governor: governor.address,
        roles: [1, 3, 5],
        accounts: [registrar.address, agency.address, gateway.address],
        allowlist: [governor.address, registrar.address, gateway.address],
      },
    },
  });
  await connection.close();
}, 120_000);

afterAll(async () => {
  await node?.stop();
  await rm(deploymentDir, { recursive: true, force: true });
});

test("Ignition's deployment directory on Hardhat's node: register, relay a signed consent, check it", async () => {
  const deployment = loadDeployment(deploymentDir);
  expect(deployment.chainId).toBe(31337);
  const as = (account: ReturnType<typeof hardhatAccount>) => createImiClient({ rpc: node.url, deployment: deploymentDir, account });

  const citizenKey = privateKeyToAccount(generatePrivateKey());
  const citizen = randomBytes32();
  await as(registrar).identity.register({ citizen, controller: citizenKey.address, commitment: randomBytes32(), level: 3 });
  // Agencies ask only for what they registered: the governor registers the agency for the purpose first.
  await as(governor).agencies.register({
    agency: agency.address,
    profile: { nameZh: "区住房保障中心", nameEn: "District Housing Security Centre", contact: "12345", legalBasisZh: "《公共租赁住房管理办法》第七条", legalBasisEn: "Public Rental Housing Regulation, art. 7" },
    purposes: [{ purpose: purposeCode("housing"), scopes: 8n, nameZh: "住房保障", nameEn: "Housing" }],
  });

  const wallet = createImiClient({ rpc: node.url, deployment: deploymentDir, account: citizenKey });
  const block = await wallet.request<{ timestamp: Hex }>("eth_getBlockByNumber", ["latest", false]);
  const now = Number(BigInt(block.timestamp));
  const request = { citizen, agency: agency.address, scopes: 8n, purpose: purposeCode("housing"), validFrom: now, validUntil: now + 3600 };
  const { authorization } = await wallet.consent.signGrant({ request });
  const { consentId } = await as(gateway).consent.grant({ request, authorization });
  expect(await wallet.consent.check({ agency: agency.address, citizen, scopes: 8n, purpose: purposeCode("housing") })).toEqual({
    allowed: true,
    decision: "Allowed",
    grantId: consentId,
  });
  expect((await wallet.identity.get({ citizen })).level).toBe(3);
});
