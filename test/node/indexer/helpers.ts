// Shared world-building for the indexer and gateway suites: a deployed IMI on Hardhat's
// in-process network, an index over it in a temp directory.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hexlify, randomBytes, keccak256, toUtf8Bytes } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { eip1193Transport } from "@imi-ledger/sdk";
import type { Eip1193Provider } from "@imi-ledger/sdk";
import { openIndexer, type Indexer } from "../../../node/indexer/index.js";
import type { ImiFixture } from "../../helpers/deployImi.js";

export const randomId = () => hexlify(randomBytes(32));
export const code = (name: string) => keccak256(toUtf8Bytes(name));

export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `imi-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export async function contractsOf(f: ImiFixture) {
  return {
    identityRegistry: await f.contracts.identityRegistry.getAddress(),
    consentRegistry: await f.contracts.consentRegistry.getAddress(),
    credentialRegistry: await f.contracts.credentialRegistry.getAddress(),
    accessManager: await f.contracts.accessManager.getAddress(),
    accessLog: await f.contracts.accessLog.getAddress(),
  };
}

export function transportOf(f: ImiFixture) {
  return eip1193Transport(f.connection.provider as unknown as Eip1193Provider);
}

/** An index over the fixture's chain that syncs only when told (pollIntervalMs 0). */
export async function indexerFor(f: ImiFixture, dir: string): Promise<Indexer> {
  const { accessLog: _unused, ...contracts } = await contractsOf(f);
  void _unused;
  const indexer = await openIndexer({ dir, rpc: transportOf(f), contracts, pollIntervalMs: 0 });
  await indexer.sync();
  return indexer;
}

export async function registerCitizen(f: ImiFixture, controller: HardhatEthersSigner | string, level = 2): Promise<string> {
  const citizen = randomId();
  const key = typeof controller === "string" ? controller : controller.address;
  await (await f.contracts.identityRegistry.connect(f.accounts.registrar).register(citizen, key, randomId(), level)).wait();
  return citizen;
}

export async function grantConsent(
  f: ImiFixture,
  by: HardhatEthersSigner,
  terms: { citizen: string; agency: string; scopes: bigint; purpose: string; validFrom?: number; validUntil?: number; maxUses?: number },
): Promise<string> {
  const now = await f.now();
  const request = {
    citizen: terms.citizen,
    agency: terms.agency,
    scopes: terms.scopes,
    purpose: terms.purpose,
    validFrom: terms.validFrom ?? now - 10,
    validUntil: terms.validUntil ?? now + 86_400,
    maxUses: terms.maxUses ?? 0,
  };
  const receipt = await (await f.contracts.consentRegistry.connect(by).grant(request)).wait();
  const log = receipt!.logs.map((l: { topics: readonly string[]; data: string }) => f.contracts.consentRegistry.interface.parseLog(l)).find((p: { name: string } | null) => p?.name === "ConsentGranted");
  return log!.args.consentId as string;
}
