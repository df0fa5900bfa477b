// The gateway unchanged against a second EVM engine over plain HTTP JSON-RPC: Hardhat's own node.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JsonRpcProvider, Wallet } from "ethers";
import { createImiClient } from "@imi-ledger/sdk";
import type { Hex } from "@imi-ledger/sdk";
import { startGateway, type RunningGateway } from "../../../node/gateway/server.js";
import { startHardhatNode, type HardhatNode } from "../../helpers/hardhatNode.js";
import { code, randomId, tempDir } from "../indexer/helpers.js";
import { localKeyOf } from "./harness.js";
import { deployWiredImi } from "../../helpers/artifacts.js";


const P = code("school-enrolment");
const ADDRESS = 1n << 2n;

describe("gateway over Hardhat's node (HTTP JSON-RPC)", () => {
  let node: HardhatNode;
  let provider: JsonRpcProvider;
  let gw: RunningGateway;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    node = await startHardhatNode();
    dir = await tempDir("gw-hardhat-node");
  }, 90_000);
  afterAll(async () => {
    await gw?.close();
    provider?.destroy();
    await node?.stop();
    await dir?.remove();
  });

  it("serves and refuses exactly as on the embedded chain", async () => {
    provider = new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1, staticNetwork: true, pollingInterval: 20 });
    const addresses = (await provider.send("eth_accounts", [])) as string[];
    const [deployer, governor, registrar, agency, gatewayWallet, citizenWallet] = addresses.slice(0, 6).map((a) => new Wallet(localKeyOf(a).exportPrivateKey(), provider));
    const imi = await deployWiredImi(deployer, { governor: governor.address, governorSigner: governor, roles: [1, 3, 5], accounts: [registrar.address, agency.address, gatewayWallet.address], allowlist: [governor.address, registrar.address, agency.address, gatewayWallet.address, citizenWallet.address] });
    const { identityRegistry, consentRegistry } = imi.contracts;
    const wiring = imi.addresses;
    const chainId = Number((await provider.getNetwork()).chainId);
    const citizen = randomId();
    await (await identityRegistry.connect(registrar).getFunction("register")(citizen, citizenWallet.address, randomId(), 2)).wait();
    const now = (await provider.getBlock("latest"))!.timestamp;
    const granted = await (await consentRegistry.connect(citizenWallet).getFunction("grant")({ citizen, agency: agency.address, scopes: ADDRESS, purpose: P, validFrom: now - 1, validUntil: now + 86_400, maxUses: 0 })).wait();
    const consentId = consentRegistry.interface.parseLog(granted!.logs[0])!.args.consentId as string;

    gw = await startGateway({
      dataDir: dir.path,
      rpc: node.url,
      pollIntervalMs: 50,
      deployment: { chainId, contracts: wiring as never },
      gatewayKey: gatewayWallet.privateKey as Hex,
      vault: { kind: "level", masterKey: `0x${randomBytes(32).toString("hex")}` },
      audience: "https://gw.hardhat.example",
      logger: false,
    });
    await gw.vault.put(citizen, { address: { district: "Chaoyang" } });
    const client = createImiClient({ rpc: node.url, deployment: { chainId, contracts: { identityRegistry: wiring.identityRegistry, credentialRegistry: wiring.credentialRegistry, consentRegistry: wiring.consentRegistry, accessLog: wiring.accessLog } }, account: localKeyOf(agency.address), gateway: gw.url });
    const ask = () => client.gateway.request<{ data: unknown }>({ method: "POST", path: "/v1/access/data", body: { citizen, scopes: String(ADDRESS), purpose: P }, citizen: citizen as Hex, scopes: ADDRESS, purpose: P as Hex });
    expect((await ask()).body.data).toEqual({ address: { district: "Chaoyang" } });

    const revoked = await (await consentRegistry.connect(citizenWallet).getFunction("revoke")(consentId)).wait();
    await gw.indexer.waitForBlock(revoked!.blockNumber);
    await expect(ask()).rejects.toMatchObject({ code: "GATEWAY" });
    expect((await gw.accessLog.query({ citizen })).at(-1)).toMatchObject({ decision: "denied", reason: "CONSENT_REVOKED" });
  }, 90_000);
});
