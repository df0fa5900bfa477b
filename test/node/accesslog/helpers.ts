// Shared pieces for the access-log tests: temp directories, record factories, and a minimal
// AccessLog contract deployment (AccessManager + AccessLog, gateway role granted) on any chain.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Contract, hexlify, randomBytes, ZeroHash, type Signer } from "ethers";
import { deployArtifact } from "../../helpers/artifacts.js";
import type { AccessRecordInput } from "../../../node/accesslog/index.js";

export async function tempDir(prefix = "imi-accesslog-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export const randomHash = () => hexlify(randomBytes(32));

export function recordInput(overrides: Partial<AccessRecordInput> = {}): AccessRecordInput {
  return {
    time: Date.now(),
    agency: "0x" + "ab".repeat(20),
    citizen: randomHash(),
    kind: "data",
    scopes: 0b110n,
    purpose: randomHash(),
    grantId: randomHash(),
    basis: "consent",
    decision: "allowed",
    reason: "ALLOWED",
    requestHash: randomHash(),
    responseHash: ZeroHash,
    ...overrides,
  };
}

/** Deploys an AccessManager (admin: `admin`) and an AccessLog, and gives `gateways` the gateway role. */
export async function deployAccessLog(admin: Signer, gateways: string[]): Promise<{ accessLog: Contract; address: string }> {
  const manager = await deployArtifact("ImiAccessManager", admin, [await admin.getAddress()]);
  const accessLog = await deployArtifact("AccessLog", admin, [await manager.getAddress()]);
  const address = await accessLog.getAddress();
  const anchorSelector = accessLog.interface.getFunction("anchor")!.selector;
  await (await (manager as Contract).getFunction("setTargetFunctionRole")(address, [anchorSelector], 5)).wait();
  for (const gateway of gateways) await (await (manager as Contract).getFunction("grantRole")(5, gateway, 0)).wait();
  return { accessLog: accessLog as Contract, address };
}
