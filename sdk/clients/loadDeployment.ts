// Node only: reads what Ignition wrote. Kept out of the browser entry (see sdk/node.ts).
import { readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { InvalidDeploymentError } from "../errors/errors.js";
import { parseDeployment, type ImiDeployment } from "./deployment.js";

/**
 * Reads an Ignition deployment: the directory `ignition/deployments/<id>/` or its
 * `deployed_addresses.json` (the chain id comes from `journal.jsonl` beside it, or from `chainId`),
 * or a JSON file holding `{ chainId, contracts }`.
 */
export function loadDeployment(path: string, options: { chainId?: number } = {}): ImiDeployment {
  let file = path;
  try {
    if (statSync(path).isDirectory()) file = join(path, "deployed_addresses.json");
  } catch (cause) {
    throw new InvalidDeploymentError(`cannot read ${path}`, { cause });
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new InvalidDeploymentError(`cannot read JSON from ${file}`, { cause });
  }
  if (json.chainId !== undefined || json.contracts !== undefined) return parseDeployment({ ...json, ...options } as never);
  const chainId = options.chainId ?? (basename(file) === "deployed_addresses.json" ? journalChainId(dirname(file)) : undefined);
  if (chainId === undefined) throw new InvalidDeploymentError(`no chain id for ${file}: pass { chainId }`);
  return parseDeployment({ chainId, contracts: json as Record<string, string> });
}

function journalChainId(dir: string): number | undefined {
  try {
    const first = readFileSync(join(dir, "journal.jsonl"), "utf8").split("\n", 1)[0];
    const entry = JSON.parse(first) as { chainId?: number };
    return typeof entry.chainId === "number" ? entry.chainId : undefined;
  } catch {
    return undefined;
  }
}
