// What a verifier device keeps on disk so it can check codes while offline: the chain id and the
// gateway accounts whose staples it trusts (cached while online), its own account, the codes it has
// accepted and not yet uploaded, and the codes it has seen (to refuse a replay) until they expire.
import { chmod, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Address } from "@imi-ledger/sdk";
import { CliError, EXIT } from "../../CliError.js";

export type DeviceState = {
  version: 1;
  chainId: number;
  gateways: Address[];
  verifier: Address;
  gatewayUrl?: string;
  cachedAt: number;
  pending: Array<{ code: string; verifiedAt: number }>;
  /** Replay key → unix seconds after which the code is too old to be accepted anyway. */
  seen: Record<string, number>;
};

export const stateFile = (options: { state?: string; dataDir: string }) => options.state ?? join(options.dataDir, "verifier-state.json");

export async function readDeviceState(file: string): Promise<DeviceState> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new CliError("VERIFIER_NOT_PREPARED", `no verifier state in ${file}: run \`imi verifier prepare\` while online first`, { exitCode: EXIT.config });
  }
  const s = JSON.parse(text) as DeviceState;
  if (s?.version !== 1 || !Array.isArray(s.gateways) || typeof s.verifier !== "string" || !Number.isSafeInteger(s.chainId))
    throw new CliError("VERIFIER_STATE_INVALID", `${file} is not a verifier state file: run \`imi verifier prepare\` again`, { exitCode: EXIT.config });
  s.pending ??= [];
  s.seen ??= {};
  return s;
}

/** Written whole to a temporary file and renamed: a crash leaves the old state or the new, never half. */
export async function writeDeviceState(file: string, state: DeviceState, now: number): Promise<void> {
  for (const [key, until] of Object.entries(state.seen)) if (until < now) delete state.seen[key];
  const tmp = join(dirname(file), `.${Date.now()}-${process.pid}.verifier-state.tmp`);
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}
