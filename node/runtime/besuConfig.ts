// What a multi-machine deployment on Hyperledger Besu (QBFT) needs, derived from this node: a
// genesis that carries the embedded chain's whole state at its head (every account's code,
// storage, nonce and balance) under a chain id of its own, a validator key per machine, the
// account allowlist as it stands in AccountRules, and a Besu config file per validator. Writing
// it retires the embedded chain at that head: from then on it refuses transactions, so nothing
// can be written there that the genesis does not hold. See docs/scale-out.md.
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RLP } from "@ethereumjs/rlp";
import { Contract, SigningKey, Wallet, getAddress, getBytes, hexlify, toBeHex, ZeroHash } from "ethers";
import { NodeError } from "../NodeError.js";
import { DEFAULT_GAS_LIMIT, retireChain, type RetiredRecord } from "../chain/index.js";
import { openChainReader } from "./chainReader.js";
import { readManifest } from "./deploy.js";
import { openKeyRing } from "./keys.js";
import { migratedAccounts, writeMigrationRecord } from "./migration.js";

export type BesuConfigResult = {
  outDir: string;
  /** The Besu network's chain id: its own, never the embedded chain's. */
  chainId: number;
  /** The embedded chain's id. */
  previousChainId: number;
  /** Where the embedded chain ended; the genesis holds its state at this block. */
  retired: RetiredRecord;
  /** Accounts and storage slots carried into the genesis alloc. */
  accounts: number;
  slots: number;
  validators: Array<{ name: string; address: string; enode: string; rpcUrl: string }>;
  allowlist: string[];
  files: string[];
};

/** QBFT genesis extraData: RLP([32-byte vanity, [validators], [] (no vote), round 0, [] (no seals)]). */
export function qbftExtraData(validators: string[]): string {
  return hexlify(RLP.encode([new Uint8Array(32), validators.map((v) => getBytes(v)), [], new Uint8Array(0), []]));
}

/**
 * The allowlist as AccountRules holds it now, replayed from its events from `fromBlock` on top of
 * `initial`, the list as it stood before that block (after a migration: at the retired chain's end,
 * whose events the new network does not have).
 */
export async function allowlistFromChain(rules: Contract, fromBlock: number, initial: readonly string[] = []): Promise<string[]> {
  const allowed = new Map<string, boolean>(initial.map((account) => [getAddress(account), true]));
  const logs = await rules.queryFilter("*", fromBlock, "latest");
  for (const log of logs) {
    const parsed = rules.interface.parseLog(log);
    if (!parsed) continue;
    if (parsed.name === "AccountAllowed") allowed.set(getAddress(parsed.args.account as string), true);
    if (parsed.name === "AccountDisallowed") allowed.set(getAddress(parsed.args.account as string), false);
  }
  return [...allowed].filter(([, on]) => on).map(([account]) => account).sort();
}

export async function writeBesuConfig(options: {
  dataDir: string;
  outDir: string;
  validators?: number;
  /** Host names or IPs of the validator machines, one per validator (default all 127.0.0.1). */
  hosts?: string[];
  rpcUrl?: string;
  /** The Besu network's chain id (default: the embedded chain's id + 1). */
  chainId?: number;
  env?: NodeJS.ProcessEnv;
}): Promise<BesuConfigResult> {
  const count = options.validators ?? 4;
  if (!Number.isInteger(count) || count < 1 || count > 32) {
    throw new NodeError("CONFIG_INVALID", "validators: give 1 to 32 (QBFT tolerates f faults with 3f+1 validators; 4 is the usual start).");
  }
  const hosts = options.hosts ?? Array.from({ length: count }, () => "127.0.0.1");
  if (hosts.length !== count) throw new NodeError("CONFIG_INVALID", `hosts: give ${count} hosts, one per validator (got ${hosts.length}).`);
  const manifest = await readManifest(options.dataDir);
  if (!manifest) throw new NodeError("BESU_NO_DEPLOYMENT", `${options.dataDir} holds no deployment.json: start the node once with imi up`);
  const keys = await openKeyRing(options.dataDir, options.env);
  const chainId = options.chainId ?? manifest.chainId + 1;
  if (!Number.isSafeInteger(chainId) || chainId <= 0 || chainId === manifest.chainId) {
    throw new NodeError("CONFIG_INVALID", `chain-id: give a positive chain id other than the embedded chain's ${manifest.chainId}, so a transaction signed for one cannot replay on the other.`);
  }
  // Export and retire first: the node must be stopped (its database is locked while it runs).
  let exported: Awaited<ReturnType<typeof retireChain>>;
  try {
    exported = await retireChain({ dataDir: join(options.dataDir, "chain"), successorChainId: chainId });
  } catch (error) {
    if (error instanceof NodeError && error.code === "CHAIN_DATA_DIR_LOCKED") {
      throw new NodeError("BESU_NODE_RUNNING", `the node on ${options.dataDir} is running: stop it (imi down or Ctrl-C) before exporting its state`, { cause: error });
    }
    throw error;
  }

  const reader = await openChainReader({ dataDir: options.dataDir, chainId: manifest.chainId, keys, rpcUrl: options.rpcUrl });
  let allowlist: string[];
  try {
    if (!manifest.contracts.accountRules) throw new NodeError("BESU_NO_ACCOUNT_RULES", "deployment.json names no AccountRules contract");
    const rules = new Contract(
      manifest.contracts.accountRules,
      ["event AccountAllowed(address indexed account, address indexed by)", "event AccountDisallowed(address indexed account, address indexed by)"],
      reader.provider,
    );
    allowlist = await allowlistFromChain(rules, manifest.fromBlock ?? 0);
  } finally {
    await reader.close();
  }
  // What the first imi up --rpc-url on the new network checks it against (node/runtime/migration.ts).
  const contracts = Object.fromEntries(Object.entries(manifest.contracts).filter(([, address]) => typeof address === "string")) as Record<string, string>;
  await writeMigrationRecord(options.dataDir, {
    previousChainId: manifest.chainId,
    chainId,
    block: exported.retired.block,
    blockHash: exported.retired.blockHash,
    stateRoot: exported.retired.stateRoot,
    fromBlock: manifest.fromBlock ?? 0,
    contracts: await migratedAccounts(exported.state.alloc, contracts),
    allowlist: [...allowlist],
    at: exported.retired.at,
  });
  // The deployer must be able to deploy the contracts on the new network.
  const deployer = await keys.address("deployer");
  if (!allowlist.includes(deployer)) allowlist.push(deployer);

  await mkdir(options.outDir, { recursive: true });
  const files: string[] = [];
  const validators: BesuConfigResult["validators"] = [];
  const nodeKeys: string[] = [];
  for (let i = 0; i < count; i++) {
    const wallet = Wallet.createRandom();
    const publicKey = SigningKey.computePublicKey(wallet.privateKey, false).slice(4);
    const p2pPort = 30303 + (hosts.filter((h, j) => j < i && h === hosts[i]).length);
    const rpcPort = 8545 + (hosts.filter((h, j) => j < i && h === hosts[i]).length);
    validators.push({
      name: `validator-${i + 1}`,
      address: wallet.address,
      enode: `enode://${publicKey}@${hosts[i]}:${p2pPort}`,
      rpcUrl: `http://${hosts[i]}:${rpcPort}`,
    });
    nodeKeys.push(wallet.privateKey);
  }

  const genesis = {
    config: {
      chainId,
      berlinBlock: 0,
      londonBlock: 0,
      shanghaiTime: 0,
      cancunTime: 0,
      // P256VERIFY (EIP-7951, 0x100), which the embedded chain runs on top of Cancun for passkey
      // accounts, comes in Besu only with Osaka (after Prague). Osaka also caps one transaction at
      // 2^24 gas (EIP-7825), so batches must stay under it here.
      pragueTime: 0,
      osakaTime: 0,
      zeroBaseFee: true,
      qbft: { blockperiodseconds: 1, epochlength: 30000, requesttimeoutseconds: 4 },
    },
    nonce: "0x0",
    // Never before the last embedded block: contracts compare stored times with block.timestamp.
    timestamp: toBeHex(Math.max(Math.floor(Date.now() / 1000), exported.state.timestamp)),
    gasLimit: toBeHex(DEFAULT_GAS_LIMIT),
    difficulty: "0x1",
    mixHash: "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365",
    coinbase: "0x0000000000000000000000000000000000000000",
    parentHash: ZeroHash,
    alloc: exported.state.alloc,
    extraData: qbftExtraData(validators.map((v) => v.address)),
  };
  const write = async (name: string, content: string, mode = 0o644) => {
    const path = join(options.outDir, name);
    await mkdir(join(path, ".."), { recursive: true });
    await writeFile(path, content, { mode });
    await chmod(path, mode);
    files.push(name);
  };
  await write("genesis.json", JSON.stringify(genesis, null, 2) + "\n");
  await write("qbft-validators.json", JSON.stringify(validators.map((v) => v.address), null, 2) + "\n");
  await write("permissions_config.toml", `accounts-allowlist=[${allowlist.map((a) => `"${a}"`).join(",")}]\n`);
  for (const [i, v] of validators.entries()) {
    const p2pPort = Number(v.enode.split(":").at(-1));
    const rpcPort = Number(v.rpcUrl.split(":").at(-1));
    await write(join(v.name, "key"), nodeKeys[i] + "\n", 0o600);
    await write(
      join(v.name, "config.toml"),
      [
        `# ${v.name}: ${v.address}`,
        `data-path="${v.name}/data"`,
        `genesis-file="genesis.json"`,
        `node-private-key-file="${v.name}/key"`,
        `p2p-host="${hosts[i]}"`,
        `p2p-port=${p2pPort}`,
        `rpc-http-enabled=true`,
        `rpc-http-host="${hosts[i]}"`,
        `rpc-http-port=${rpcPort}`,
        `rpc-http-api=["ETH","NET","WEB3","QBFT"]`,
        // PERM changes the node's allowlist: only on the WebSocket endpoint, and that only on
        // loopback, where the allowlist synchroniser of this machine reaches it (imi allowlist-sync).
        `rpc-ws-enabled=true`,
        `rpc-ws-host="127.0.0.1"`,
        `rpc-ws-port=${rpcPort + 1000}`,
        `rpc-ws-api=["ETH","NET","WEB3","PERM"]`,
        `host-allowlist=["${hosts[i]}","localhost","127.0.0.1"]`,
        `min-gas-price=0`,
        `permissions-accounts-config-file-enabled=true`,
        `permissions-accounts-config-file="permissions_config.toml"`,
        `bootnodes=[${validators.filter((_, j) => j !== i).map((o) => `"${o.enode}"`).join(",")}]`,
        "",
      ].join("\n"),
    );
  }
  await write("validators.json", JSON.stringify({ chainId, previousChainId: manifest.chainId, retired: exported.retired, validators, allowlist }, null, 2) + "\n");
  return {
    outDir: options.outDir,
    chainId,
    previousChainId: manifest.chainId,
    retired: exported.retired,
    accounts: exported.state.accounts,
    slots: exported.state.slots,
    validators,
    allowlist,
    files,
  };
}
