import { spawn } from "node:child_process";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { RLP } from "@ethereumjs/rlp";
import { getAddress, hexlify } from "ethers";
import { qbftExtraData } from "../../../node/runtime/besuConfig.js";

function run(args: string[]) {
  const child = spawn(process.execPath, ["cli/bin/imi.js", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  return new Promise<{ code: number | null; json: Record<string, unknown> }>((resolve) =>
    child.once("exit", (code) => resolve({ code, json: JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") })),
  );
}

describe("imi besu-config", () => {
  it("encodes QBFT extraData as Besu expects (vanity, validators, no vote, round 0, no seals)", () => {
    const validators = ["0x" + "11".repeat(20), "0x" + "22".repeat(20)];
    const extra = qbftExtraData(validators);
    const decoded = RLP.decode(extra) as unknown as [Uint8Array, Uint8Array[], Uint8Array[], Uint8Array, Uint8Array[]];
    expect(decoded[0]).toEqual(new Uint8Array(32));
    expect(decoded[1].map((v) => hexlify(v))).toEqual(validators);
    expect(decoded[2]).toEqual([]);
    expect(decoded[3]).toEqual(new Uint8Array(0));
    expect(decoded[4]).toEqual([]);
    // A four-validator genesis has the length prefix of Besu's published QBFT example (0xf87a...).
    expect(qbftExtraData(Array.from({ length: 4 }, (_, i) => "0x" + String(i + 1).repeat(40))).slice(0, 6)).toBe("0xf87a");
  });

  it("writes genesis, validator keys and configs, and the allowlist read from AccountRules, once the node is stopped", async () => {
    const work = await mkdtemp(join(tmpdir(), "imi-besu-"));
    const dataDir = join(work, "node");
    const child = spawn(process.execPath, ["cli/bin/imi.js", "--json", "up", "--data-dir", dataDir, "--chain-port", "0", "--gateway-port", "0"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const summary = await new Promise<Record<string, string>>((resolve) =>
      createInterface({ input: child.stdout }).on("line", (line) => line.startsWith(`{"ok"`) && resolve(JSON.parse(line))),
    );
    const out = join(work, "besu");
    child.kill("SIGINT");
    await exited;
    const result = await run(["--json", "besu-config", "--data-dir", dataDir, "--out", out, "--hosts", "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4"]);
    expect(result.code).toBe(0);
    const allowlist = result.json.allowlist as string[];
    expect(allowlist).toEqual(expect.arrayContaining([getAddress(summary.governor), getAddress(summary.gateway)]));
    const genesis = JSON.parse(await readFile(join(out, "genesis.json"), "utf8"));
    expect(genesis.config).toMatchObject({ chainId: 7338, cancunTime: 0, zeroBaseFee: true, qbft: { blockperiodseconds: 1 } });
    const validators = result.json.validators as Array<{ address: string; enode: string }>;
    expect(validators).toHaveLength(4);
    expect(genesis.extraData).toBe(qbftExtraData(validators.map((v) => v.address)));
    expect(validators[1].enode).toMatch(/^enode:\/\/[0-9a-f]{128}@10\.0\.0\.2:30303$/);
    expect((await stat(join(out, "validator-1", "key"))).mode & 0o777).toBe(0o600);
    const config = await readFile(join(out, "validator-3", "config.toml"), "utf8");
    expect(config).toContain("min-gas-price=0");
    expect(config).toContain(validators[0].enode);
    expect(await readFile(join(out, "permissions_config.toml"), "utf8")).toContain(getAddress(summary.gateway));
  });
});
