import { chmod, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Contract, JsonRpcProvider, Wallet } from "ethers";
import { pino } from "pino";
import { loadConfig } from "../../../node/runtime/config.js";
import { openKeyRing } from "../../../node/runtime/keys.js";
import { ensureDeployment } from "../../../node/runtime/deploy.js";
import { startChain, type Chain } from "../../../node/chain/index.js";
import { NodeError } from "../../../node/NodeError.js";

const temp = () => mkdtemp(join(tmpdir(), "imi-runtime-"));
async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(NodeError);
  return (error as NodeError).code;
}

describe("configuration", () => {
  it("layers defaults < file < environment < flags", async () => {
    const dir = await temp();
    await writeFile(join(dir, "imi.json"), JSON.stringify({ chain: { port: 9000, chainId: 4242 }, gateway: { port: 9100 } }));
    const config = await loadConfig({
      flags: { dataDir: dir, gateway: { port: 9300 } },
      env: { IMI_CHAIN_PORT: "9200" },
    });
    expect(config.chain).toMatchObject({ port: 9200, chainId: 4242, host: "127.0.0.1" });
    expect(config.gateway.port).toBe(9300);
    expect(config.anchoring).toEqual({ maxRecords: 1000, intervalMs: 1000 });
    expect(config.storage?.maxOpenFiles).toBeUndefined();
    expect((await loadConfig({ flags: { dataDir: dir }, env: { IMI_STORAGE_MAX_OPEN_FILES: "500" } })).storage).toEqual({ maxOpenFiles: 500 });
  });

  it("names the bad setting and the fix", async () => {
    const dir = await temp();
    const bad = async (input: Parameters<typeof loadConfig>[0]) => {
      const error = (await loadConfig(input).catch((e: unknown) => e)) as NodeError;
      expect(error.code).toBe("CONFIG_INVALID");
      return error.details?.setting;
    };
    expect(await bad({ flags: { dataDir: dir, chain: { port: 70000 } }, env: {} })).toBe("chain.port");
    expect(await bad({ flags: { dataDir: dir }, env: { IMI_GATEWAY_PORT: "eighty" } })).toBe("IMI_GATEWAY_PORT");
    expect(await bad({ flags: { dataDir: dir, logLevel: "loud" as never }, env: {} })).toBe("logLevel");
    // LevelDB would quietly raise anything under 74: the setting says so instead.
    expect(await bad({ flags: { dataDir: dir, storage: { maxOpenFiles: 10 } }, env: {} })).toBe("storage.maxOpenFiles");
    expect(await bad({ flags: { dataDir: dir }, env: {}, configFile: join(dir, "missing.json") })).toBe(join(dir, "missing.json"));
    await writeFile(join(dir, "imi.json"), JSON.stringify({ chian: {} }));
    expect(await bad({ flags: { dataDir: dir }, env: {} })).toBe("(config)");
    await writeFile(join(dir, "imi.json"), "{ not json");
    expect(await bad({ flags: { dataDir: dir }, env: {} })).toBe(join(dir, "imi.json"));
  });
});

describe("keys", () => {
  it("creates encrypted keystores 0600 in a 0700 directory and reads them back", async () => {
    const dir = await temp();
    const ring = await openKeyRing(dir, {});
    const key = await ring.privateKey("governor");
    const address = await ring.address("governor");
    expect(new Wallet(key).address).toBe(address);
    expect((await stat(join(dir, "keys"))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, "keys", "governor.json"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "keys", "password"))).mode & 0o777).toBe(0o600);
    const stored = await readFile(join(dir, "keys", "governor.json"), "utf8");
    expect(stored).not.toContain(key.slice(2));
    const keystore = JSON.parse(stored);
    expect((keystore.crypto ?? keystore.Crypto).kdf).toBe("scrypt");
    const again = await openKeyRing(dir, {});
    expect(await again.privateKey("governor", { create: false })).toBe(key);
    expect((await again.list()).map((k) => k.name)).toEqual(["governor"]);
    expect(await codeOf(again.privateKey("registrar", { create: false }))).toBe("KEYS_NOT_FOUND");
  });

  it("refuses keys readable by others and a wrong password", async () => {
    const dir = await temp();
    const ring = await openKeyRing(dir, { IMI_KEY_PASSWORD: "correct horse battery" });
    await ring.privateKey("gateway");
    await chmod(join(dir, "keys", "gateway.json"), 0o644);
    expect(await codeOf((await openKeyRing(dir, { IMI_KEY_PASSWORD: "correct horse battery" })).privateKey("gateway"))).toBe(
      "KEYS_PERMISSIONS_TOO_OPEN",
    );
    await chmod(join(dir, "keys", "gateway.json"), 0o600);
    expect(await codeOf((await openKeyRing(dir, { IMI_KEY_PASSWORD: "wrong password here" })).privateKey("gateway"))).toBe(
      "KEYS_WRONG_PASSWORD",
    );
    await chmod(join(dir, "keys"), 0o755);
    expect(await codeOf(openKeyRing(dir, { IMI_KEY_PASSWORD: "correct horse battery" }))).toBe("KEYS_PERMISSIONS_TOO_OPEN");
    expect(await codeOf(openKeyRing(await temp(), { IMI_KEY_PASSWORD: "short" }))).toBe("CONFIG_INVALID");
  });
});

describe("deployment on first start", () => {
  let chain: Chain | undefined;
  afterAll(async () => {
    await chain?.close();
  });

  it("deploys through the Ignition module once, then reuses the manifest", async () => {
    const dir = await temp();
    const ring = await openKeyRing(dir, {});
    const validator = await ring.privateKey("validator");
    const deployer = await ring.address("deployer");
    const governor = await ring.address("governor");
    const gateway = await ring.address("gateway");
    chain = await startChain({
      dataDir: join(dir, "chain"),
      validatorKey: validator,
      port: 0,
      genesis: { validator: await ring.address("validator"), allowlist: [deployer, governor, gateway], chainId: 7337 },
      logger: pino({ level: "silent" }),
    });
    const options = {
      dataDir: dir,
      rpcUrl: chain.url,
      chainId: chain.chainId,
      deployerKey: await ring.privateKey("deployer"),
      governor,
      grants: [{ role: 5, account: gateway }],
      allowlist: [governor, gateway],
      recoveryDelaySeconds: 86400,
    };
    const first = await ensureDeployment(options);
    expect(first.deployedNow).toBe(true);
    expect(first.manifest.chainId).toBe(7337);
    expect(first.manifest.governor).toBe(governor);
    const provider = new JsonRpcProvider(chain.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const manager = new Contract(first.manifest.contracts.accessManager!, ["function hasRole(uint64,address) view returns (bool,uint32)"], provider);
    expect((await manager.getFunction("hasRole")(0n, governor))[0]).toBe(true);
    expect((await manager.getFunction("hasRole")(0n, deployer))[0]).toBe(false);
    expect((await manager.getFunction("hasRole")(5n, gateway))[0]).toBe(true);
    provider.destroy();

    const second = await ensureDeployment(options);
    expect(second.deployedNow).toBe(false);
    expect(second.manifest.contracts).toEqual(first.manifest.contracts);
    expect(await codeOf(ensureDeployment({ ...options, chainId: 1 }))).toBe("DEPLOY_CHAIN_MISMATCH");
    expect(await codeOf(ensureDeployment({ ...options, dataDir: await temp(), governor: deployer }))).toBe("DEPLOY_CONFIG_INVALID");
  });
});
