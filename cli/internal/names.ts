// Names for people in place of addresses and hashes. An agency is named by the deployment's
// directory (the gateway's /v1/directory, from imi.json), else by the node's key ring (the name its
// key was created under), else by the on-chain label of the role it holds (AccessManager RoleLabel,
// "AGENCY 0x1234…abcd"); a purpose by its plain id or its directory name. Hex stays in --json
// output and, with --verbose, beside the name.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Interface } from "ethers";
import { imiAccessManagerAbi } from "@imi-ledger/sdk";
import type { ImiClient } from "@imi-ledger/sdk";
import { code } from "@imi-ledger/sdk";
import type { Node } from "./connect.js";
import { gatewayJson } from "./gateway.js";
import { getLogs } from "./logs.js";
import { short } from "./output.js";

type Localized = { "zh-CN": string; en: string };
type DirectoryAnswer = { agencies?: Record<string, Localized>; purposes?: Record<string, Localized & { id?: string }> };

/** Purposes the CLI knows by name even when the gateway publishes no directory. */
const KNOWN_PURPOSES = ["social-benefits", "elderly-care", "health-services", "residence-check", "pension", "housing", "tax", "education", "law-enforcement"];

export type Names = {
  /** The agency's (or any account's) name for people: directory, key ring, role label, or a short address. */
  account(address: string): string;
  /** The purpose's plain name, or a short form of its code. */
  purpose(purposeCode: string): string;
};

const manager = new Interface(imiAccessManagerAbi as never);

/** The language of names: Chinese when the environment asks for it, English otherwise. */
function language(): keyof Localized {
  const lang = process.env.IMI_LANG ?? process.env.LC_ALL ?? process.env.LANG ?? "";
  return /^zh/i.test(lang) ? "zh-CN" : "en";
}

async function directoryOf(node: Node): Promise<DirectoryAnswer> {
  if (!node.gatewayUrl) return {};
  try {
    return await gatewayJson<DirectoryAnswer>(node.gatewayUrl, "/v1/directory");
  } catch {
    return {}; // A gateway without a directory: the other sources still name what they can.
  }
}

/**
 * Names of the node's key ring, read from the keystore files' public address field: opening the
 * ring itself would need (or, without one, create) its password.
 */
async function keyRingNames(dataDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  try {
    for (const entry of await readdir(join(dataDir, "keys"))) {
      if (!entry.endsWith(".json")) continue;
      const json = JSON.parse(await readFile(join(dataDir, "keys", entry), "utf8")) as { address?: string };
      if (json.address) out.set(`0x${json.address.replace(/^0x/, "")}`.toLowerCase(), entry.slice(0, -5));
    }
  } catch {
    // No key ring here (the CLI runs away from the node): other sources name what they can.
  }
  return out;
}

/** account → the labels of the roles it holds now, from the AccessManager's events. */
async function roleLabels(client: ImiClient, node: Node): Promise<Map<string, string>> {
  const address = node.deployment.contracts.accessManager;
  if (!address) return new Map();
  const topics = ["RoleLabel", "RoleGranted", "RoleRevoked"].map((name) => manager.getEvent(name)!.topicHash);
  let logs: Awaited<ReturnType<typeof getLogs>>;
  try {
    logs = await getLogs(client, { address, topics: [topics], fromBlock: node.deployment.fromBlock ?? 0 });
  } catch {
    return new Map();
  }
  const labels = new Map<string, string>();
  const held = new Map<string, Set<string>>();
  for (const log of logs) {
    const parsed = manager.parseLog(log);
    if (!parsed) continue;
    const role = String(parsed.args.roleId);
    if (parsed.name === "RoleLabel") labels.set(role, String(parsed.args.label));
    else {
      const account = String(parsed.args.account).toLowerCase();
      const roles = held.get(account) ?? new Set<string>();
      if (parsed.name === "RoleGranted") roles.add(role);
      else roles.delete(role);
      held.set(account, roles);
    }
  }
  const out = new Map<string, string>();
  for (const [account, roles] of held) {
    const named = [...roles].map((r) => labels.get(r) ?? (r === "0" ? "GOVERNOR" : undefined)).filter((l): l is string => l !== undefined);
    if (named.length > 0) out.set(account, named.join("+"));
  }
  return out;
}

/** Everything needed to name the accounts and purposes a command prints, fetched once. */
export async function loadNames(node: Node, verbose = false): Promise<Names> {
  const client = node.client();
  const [directory, ring, roles] = await Promise.all([directoryOf(node), keyRingNames(node.dataDir), roleLabels(client, node)]);
  const lang = language();
  const accounts = new Map(Object.entries(directory.agencies ?? {}).map(([a, n]) => [a.toLowerCase(), n[lang]]));
  const purposes = new Map<string, string>(KNOWN_PURPOSES.map((id) => [code(id).toLowerCase(), id]));
  for (const [hex, n] of Object.entries(directory.purposes ?? {})) purposes.set(hex.toLowerCase(), n.id ?? n[lang]);
  const withHex = (name: string, hex: string) => (verbose ? `${name} (${hex})` : name);
  return {
    account(address) {
      const key = address.toLowerCase();
      const name = accounts.get(key) ?? ring.get(key);
      if (name) return withHex(name, address);
      const role = roles.get(key);
      return role ? `${role} ${verbose ? address : short(address)}` : verbose ? address : short(address);
    },
    purpose(purposeCode) {
      const name = purposes.get(purposeCode.toLowerCase());
      return name ? withHex(name, purposeCode) : verbose ? purposeCode : short(purposeCode);
    },
  };
}
