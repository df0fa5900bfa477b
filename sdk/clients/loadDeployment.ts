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

/** The chain id Ignition journals when a deployment starts (a DEPLOYMENT_INITIALIZE message). */
function journalChainId(dir: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, "journal.jsonl"), "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    if (!line.includes('"chainId"')) continue;
    try {
      const entry = JSON.parse(line) as { type?: string; chainId?: unknown };
      if (entry.type === "DEPLOYMENT_INITIALIZE" && typeof entry.chainId === "number") return entry.chainId;
    } catch {
      // A torn last line of an interrupted deployment: keep looking.
    }
  }
  return undefined;
}
