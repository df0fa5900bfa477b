// How a data directory moves from its retired embedded chain to the network that continues it
// (imi besu-config, then imi up --rpc-url; docs/scale-out.md).
//
// `imi besu-config` writes <dataDir>/migration.json beside the retirement the chain records: the
// retired chain's id and the successor's, the block the chain ended at with its hash and state
// root, where the deployment's events start on the retired chain, and each deployment contract's
// account as it stood (code hash, storage root, nonce). The first `imi up --rpc-url` on the
// successor accepts it only if the network continues the retired chain: its chain id is the
// recorded successor's, and its genesis (block 0) holds the exported state: the header's state root
// equals the exported root (Besu, geth), or, on an engine that adds accounts of its own to a
// genesis (anvil adds the Prague system contracts and leaves the empty root in the header),
// eth_getProof at block 0 shows every deployment contract with the recorded code and storage root.
// It then rewrites deployment.json for the successor (its chain id, fromBlock 0, and `continues`:
// the retired chain and the successor's genesis hash, checked again on every later start), and
// moves the index: it holds the retired chain's history up to the export block, so it stands at the
// successor's block 0 and reads only the blocks after it. Anchored access-log batches before the
// move are read from the retired chain, which stays in the data directory and serves reads.
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MerkleStateManager } from "@ethereumjs/statemanager";
import { Account, bytesToHex, createAddressFromString, hexToBytes, setLengthLeft } from "@ethereumjs/util";
import { JsonRpcProvider } from "ethers";
import { pino, type Logger } from "pino";
import { httpTransport } from "@imi-ledger/sdk";
import { startChain, type AllocAccount } from "../chain/index.js";
import { Indexer } from "../indexer/index.js";
import { NodeError } from "../NodeError.js";
import type { DeploymentManifest } from "./deploy.js";
import type { KeyRing } from "./keys.js";
import { readNodeInfo } from "./nodeInfo.js";

export const MIGRATION_FILE = "migration.json";

/** A deployment contract's account as the retired chain left it. */
export type MigratedAccount = { address: string; codeHash: string; storageRoot: string; nonce: string };

/** What <dataDir>/migration.json holds. */
export type MigrationRecord = {
  previousChainId: number;
  chainId: number;
  /** The retired chain's last block: the successor's genesis holds the state after it. */
  block: number;
  blockHash: string;
  stateRoot: string;
  /** The block the deployment's events start at on the retired chain. */
  fromBlock: number;
  contracts: Record<string, MigratedAccount>;
  /** AccountRules' allowlist at the export, replayed from the retired chain's events (the new network has none of them). */
  allowlist: string[];
  at: string;
};

/** What deployment.json says once the successor was accepted. */
export type ContinuedChain = {
  /** The retired chain. */
  chainId: number;
  fromBlock: number;
  block: number;
  blockHash: string;
  stateRoot: string;
  /** The successor's block 0. */
  genesisHash: string;
};

const EMPTY_TRIE_ROOT = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";

/** Each deployment contract's code hash, storage root and nonce in an exported alloc. */
export async function migratedAccounts(alloc: Record<string, AllocAccount>, contracts: Record<string, string>): Promise<Record<string, MigratedAccount>> {
  const out: Record<string, MigratedAccount> = {};
  for (const [name, address] of Object.entries(contracts)) {
    const spec = alloc[address.toLowerCase()];
    if (spec?.code === undefined) throw new NodeError("MIGRATION_CONTRACT_MISSING", `the exported state holds no code for ${name} at ${address}`, { details: { contract: name } });
    // One trie per contract: its storage root is what the successor must show for it.
    const sm = new MerkleStateManager();
    const addr = createAddressFromString(address);
    await sm.putAccount(addr, new Account(BigInt(spec.nonce), BigInt(spec.balance)));
    await sm.putCode(addr, hexToBytes(spec.code as `0x${string}`));
    for (const [slot, value] of Object.entries(spec.storage ?? {})) {
      await sm.putStorage(addr, setLengthLeft(hexToBytes(slot as `0x${string}`), 32), setLengthLeft(hexToBytes(value as `0x${string}`), 32));
    }
    await sm.getStateRoot();
    const account = await sm.getAccount(addr);
    out[name] = { address, codeHash: bytesToHex(account!.codeHash), storageRoot: bytesToHex(account!.storageRoot), nonce: spec.nonce };
  }
  return out;
}

export async function writeMigrationRecord(dataDir: string, record: MigrationRecord): Promise<void> {
  const path = join(dataDir, MIGRATION_FILE);
  await writeFile(path + ".tmp", JSON.stringify(record, null, 2) + "\n", { mode: 0o644 });
  await rename(path + ".tmp", path);
}

export async function readMigrationRecord(dataDir: string): Promise<MigrationRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, MIGRATION_FILE), "utf8")) as MigrationRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

type RpcBlock = { hash: string; stateRoot: string; timestamp: string };

async function genesisOf(provider: JsonRpcProvider, rpcUrl: string): Promise<RpcBlock> {
  let block: RpcBlock | null;
  try {
    block = (await provider.send("eth_getBlockByNumber", ["0x0", false])) as RpcBlock | null;
  } catch (cause) {
    throw new NodeError("CHAIN_UNREACHABLE", `cannot read block 0 from ${rpcUrl}`, { cause });
  }
  if (!block) throw new NodeError("MIGRATION_SUCCESSOR_MISMATCH", `${rpcUrl} has no block 0`);
  return block;
}

/**
 * Checks that the network at `rpcUrl` continues the retired chain of `record`, and returns its
 * genesis. Throws MIGRATION_SUCCESSOR_MISMATCH naming what differs.
 */
export async function checkSuccessor(rpcUrl: string, record: MigrationRecord): Promise<{ genesisHash: string; genesisTime: number }> {
  const provider = new JsonRpcProvider(rpcUrl, record.chainId, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const genesis = await genesisOf(provider, rpcUrl);
    const mismatch = (what: string, details: Record<string, unknown>) =>
      new NodeError("MIGRATION_SUCCESSOR_MISMATCH", `the network at ${rpcUrl} does not continue chain ${record.previousChainId} at block ${record.block}: ${what}`, { details });
    if (genesis.stateRoot.toLowerCase() !== record.stateRoot.toLowerCase()) {
      // Only an engine that leaves the empty root in its genesis header (anvil) is asked account by account.
      if (genesis.stateRoot.toLowerCase() !== EMPTY_TRIE_ROOT) throw mismatch("its genesis state root is not the exported one", { stateRoot: genesis.stateRoot, expected: record.stateRoot });
      for (const [name, expected] of Object.entries(record.contracts)) {
        let proof: { codeHash: string; storageHash: string; nonce: string };
        try {
          proof = (await provider.send("eth_getProof", [expected.address, [], "0x0"])) as typeof proof;
        } catch (cause) {
          throw new NodeError("MIGRATION_SUCCESSOR_MISMATCH", `${rpcUrl} reports no genesis state root and cannot prove ${name} at block 0 (eth_getProof)`, { cause, details: { contract: name } });
        }
        if (proof.codeHash.toLowerCase() !== expected.codeHash || proof.storageHash.toLowerCase() !== expected.storageRoot || BigInt(proof.nonce) !== BigInt(expected.nonce)) {
          throw mismatch(`${name} at ${expected.address} does not hold the exported code and storage`, { contract: name, codeHash: proof.codeHash, storageRoot: proof.storageHash });
        }
      }
    }
    return { genesisHash: genesis.hash.toLowerCase(), genesisTime: Number(BigInt(genesis.timestamp)) };
  } finally {
    provider.destroy();
  }
}

/**
 * The deployment on the network the node now runs (`chainId` at `rpcUrl`): the stored one when
 * it is for that chain; after a migration, the stored one moved to the successor once it proved to
 * continue the retired chain. Any other chain: DEPLOY_CHAIN_MISMATCH or MIGRATION_SUCCESSOR_MISMATCH,
 * and nothing is changed.
 */
export async function deploymentOnChain(dataDir: string, existing: DeploymentManifest, rpcUrl: string, chainId: number, logger?: Logger): Promise<DeploymentManifest> {
  if (existing.chainId === chainId) {
    if (existing.continues !== undefined) {
      // Every later start: still the network that was accepted, not another with the same id.
      const provider = new JsonRpcProvider(rpcUrl, chainId, { staticNetwork: true, cacheTimeout: -1 });
      try {
        const genesis = await genesisOf(provider, rpcUrl);
        if (genesis.hash.toLowerCase() !== existing.continues.genesisHash) {
          throw new NodeError("MIGRATION_SUCCESSOR_MISMATCH", `the network at ${rpcUrl} is not the one this data directory moved to: its block 0 is ${genesis.hash}, not ${existing.continues.genesisHash}`, {
            details: { genesisHash: genesis.hash, expected: existing.continues.genesisHash },
          });
        }
      } finally {
        provider.destroy();
      }
    }
    return existing;
  }
  const record = await readMigrationRecord(dataDir);
  if (record === undefined || record.previousChainId !== existing.chainId || record.chainId !== chainId) {
    const moved = record === undefined || record.previousChainId !== existing.chainId ? "" : `; its state moved to chain ${record.chainId} (imi besu-config): start with --rpc-url <that network>`;
    throw new NodeError("DEPLOY_CHAIN_MISMATCH", `deployment.json is for chain ${existing.chainId}, the node runs chain ${chainId}${moved}`, {
      details: { deployment: existing.chainId, chain: chainId, ...(record ? { successorChainId: record.chainId } : {}) },
    });
  }
  const genesis = await checkSuccessor(rpcUrl, record);
  const manifest: DeploymentManifest = {
    ...existing,
    chainId,
    fromBlock: 0,
    continues: { chainId: record.previousChainId, fromBlock: record.fromBlock, block: record.block, blockHash: record.blockHash, stateRoot: record.stateRoot, genesisHash: genesis.genesisHash },
  };
  const path = join(dataDir, "deployment.json");
  await writeFile(path + ".tmp", JSON.stringify(manifest, null, 2) + "\n", { mode: 0o644 });
  await rename(path + ".tmp", path);
  logger?.info({ event: "migration_accepted", from: record.previousChainId, to: chainId, block: record.block, genesisHash: genesis.genesisHash }, "deployment continues on the successor network");
  return manifest;
}

/**
 * Starts the retired embedded chain of a data directory on a private loopback port (it serves reads
 * only). The running node keeps it open for its gateway (agency registrations made before the move)
 * and names it in node.json, so other commands read it there.
 */
export async function openRetiredChain(dataDir: string, keys: KeyRing) {
  return startChain({ dataDir: join(dataDir, "chain"), validatorKey: await keys.privateKey("validator", { create: false }), port: 0, logger: pino({ level: "silent" }) });
}

/**
 * Brings the gateway's index onto the successor before the gateway opens it. An index that stands
 * short of the export block (the node was stopped before it caught up) or is empty first reads the
 * rest of the retired chain's history from the retired chain itself.
 */
export async function continueIndexOnSuccessor(options: { dataDir: string; manifest: DeploymentManifest; rpcUrl: string; retiredRpcUrl: string; logger?: Logger }): Promise<void> {
  const continues = options.manifest.continues;
  if (continues === undefined) return;
  const dir = join(options.dataDir, "gateway", "index");
  const at = await Indexer.readPosition(dir);
  if (at.successorChainId === options.manifest.chainId) return;
  if (at.block !== continues.block) {
    const { identityRegistry, consentRegistry, credentialRegistry, accessManager } = options.manifest.contracts;
    const indexer = await Indexer.open({
      dir,
      rpc: httpTransport(options.retiredRpcUrl, { timeoutMs: 10_000 }),
      contracts: { identityRegistry, consentRegistry, credentialRegistry, accessManager: accessManager! },
      fromBlock: continues.fromBlock,
      pollIntervalMs: 0,
      logger: options.logger,
    });
    try {
      await indexer.sync();
    } finally {
      await indexer.close();
    }
    options.logger?.info({ event: "index_caught_up_on_retired_chain", from: at.block, to: continues.block }, "index read the rest of the retired chain");
  }
  const provider = new JsonRpcProvider(options.rpcUrl, options.manifest.chainId, { staticNetwork: true, cacheTimeout: -1 });
  let genesis: RpcBlock;
  try {
    genesis = await genesisOf(provider, options.rpcUrl);
  } finally {
    provider.destroy();
  }
  if (genesis.hash.toLowerCase() !== continues.genesisHash) {
    throw new NodeError("MIGRATION_SUCCESSOR_MISMATCH", `the network at ${options.rpcUrl} is not the one this data directory moved to`, { details: { genesisHash: genesis.hash } });
  }
  await Indexer.continueOnSuccessor(dir, {
    retired: { block: continues.block, blockHash: continues.blockHash },
    successor: { chainId: options.manifest.chainId, genesisHash: continues.genesisHash, genesisTime: Number(BigInt(genesis.timestamp)) },
  });
  options.logger?.info({ event: "index_moved_to_successor", block: continues.block, chainId: options.manifest.chainId }, "index continues at the successor's block 0");
}

/**
 * Reads something from the retired chain of a migrated data directory, after checking that its
 * block at the export is the one the successor continues (`continues.blockHash`).
 */
export async function readRetiredChain<T>(dataDir: string, continues: ContinuedChain, keys: KeyRing, read: (provider: JsonRpcProvider) => Promise<T>): Promise<T> {
  // The running node holds the retired chain's database and serves it; a stopped node's is started here.
  const served = (await readNodeInfo(dataDir))?.retiredRpcUrl;
  const chain = served === undefined ? await openRetiredChain(dataDir, keys) : undefined;
  const provider = new JsonRpcProvider(served ?? chain!.url, continues.chainId, { staticNetwork: true, cacheTimeout: -1 });
  try {
    const last = (await provider.send("eth_getBlockByNumber", [`0x${continues.block.toString(16)}`, false])) as RpcBlock | null;
    if (last?.hash.toLowerCase() !== continues.blockHash.toLowerCase()) {
      throw new NodeError("MIGRATION_RETIRED_MISMATCH", `the retired chain in ${dataDir} does not end at block ${continues.block} ${continues.blockHash}`, { details: { block: continues.block } });
    }
    return await read(provider);
  } finally {
    provider.destroy();
    await chain?.close();
  }
}
