// Asserts that a transaction or call reverted with a named custom error, decoded through the ABIs
// of the IMI contracts; never by message text.
import { expect } from "vitest";
import { Interface, type ErrorDescription, type InterfaceAbi } from "ethers";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function collectAbis(dir: string, out: InterfaceAbi[]): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) collectAbis(path, out);
    else if (entry.endsWith(".json") && !entry.endsWith(".dbg.json")) {
      const artifact = JSON.parse(readFileSync(path, "utf8")) as { abi?: InterfaceAbi };
      if (Array.isArray(artifact.abi)) out.push(artifact.abi);
    }
  }
}

let merged: Interface | undefined;
function errorsInterface(): Interface {
  if (!merged) {
    const abis: InterfaceAbi[] = [];
    collectAbis(join(process.cwd(), "artifacts", "contracts"), abis);
    const seen = new Set<string>();
    const fragments: string[] = [];
    for (const abi of abis) {
      for (const fragment of new Interface(abi).fragments) {
        if (fragment.type !== "error") continue;
        const text = fragment.format("full");
        if (!seen.has(text)) {
          seen.add(text);
          fragments.push(text);
        }
      }
    }
    merged = new Interface(fragments);
  }
  return merged;
}

function revertData(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === "object"; depth++) {
    const candidate = current as { data?: unknown; error?: unknown; cause?: unknown; info?: unknown };
    if (typeof candidate.data === "string" && candidate.data.startsWith("0x")) return candidate.data;
    if (candidate.data && typeof candidate.data === "object") {
      const nested = (candidate.data as { data?: unknown }).data;
      if (typeof nested === "string" && nested.startsWith("0x")) return nested;
    }
    current = candidate.error ?? candidate.cause ?? candidate.info;
  }
  return undefined;
}

/** Decodes the custom error a failed call carries. Throws if the failure was not a custom-error revert. */
export function decodeRevert(error: unknown): ErrorDescription {
  const data = revertData(error);
  if (!data || data === "0x") throw new Error(`not a custom-error revert: ${String(error)}`);
  const parsed = errorsInterface().parseError(data);
  if (!parsed) throw new Error(`unknown revert data ${data}`);
  return parsed;
}

/**
 * Awaits `action` and asserts it reverts with `name` (and, when given, exactly these arguments).
 * Returns the decoded arguments for further checks.
 */
export async function expectRevert(
  action: Promise<unknown>,
  name: string,
  args?: readonly unknown[],
): Promise<readonly unknown[]> {
  let caught: unknown;
  try {
    await action;
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) throw new Error(`expected revert ${name}, but the call succeeded`);
  const decoded = decodeRevert(caught);
  expect(decoded.name).toBe(name);
  if (args) expect(normalize([...decoded.args])).toEqual(normalize([...args]));
  return [...decoded.args];
}

function normalize(values: unknown[]): unknown[] {
  return values.map((value) => {
    if (typeof value === "number") return BigInt(value);
    if (typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value)) return value.toLowerCase();
    if (typeof value === "string") return value.toLowerCase();
    return value;
  });
}
