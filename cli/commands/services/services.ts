// `imi services ...`: the life-event rule set in effect, and the node's deliveries, offers and
// failures (from the running node's operator view, or from its store when it is stopped).
import { access } from "node:fs/promises";
import { join, resolve } from "node:path";
import { DEFAULT_DATA_DIR } from "../../../node/runtime/config.js";
import { SERVICE_STATES, type CitizenService } from "@imi-ledger/sdk";
import { loadServiceRules, SERVICES_KEY } from "../../../node/services/startServices.js";
import { openKeyRing } from "../../../node/runtime/keys.js";
import { readOperatorView } from "../../../node/services/operatorView.js";
import { serviceJson } from "../../../node/services/serviceJson.js";
import type { ServiceRule } from "../../../node/services/rules.js";
import type { JobState } from "../../../node/services/ServicesStore.js";
import { CliError, EXIT } from "../../CliError.js";
import { usage } from "../../internal/errors.js";

/** The rule set, with a bad one reported as a configuration error (exit 3), as at the node's start. */
async function rulesOf(dataDir: string): ReturnType<typeof loadServiceRules> {
  try {
    return await loadServiceRules(dataDir);
  } catch (error) {
    if ((error as { code?: string }).code === "SERVICES_RULES_INVALID") throw new CliError("SERVICES_RULES_INVALID", (error as Error).message, { exitCode: EXIT.config, cause: error });
    throw error;
  }
}

export type ServicesRulesOptions = { dataDir?: string };
export type ServicesRulesResult = {
  origin: string;
  purpose: string;
  /** The services account citizens grant the standing consent to (once the node has started). */
  account?: string;
  count: number;
  rules: ServiceRule[];
};

/** The rule set the node runs (its services.json, or the default), validated as at start. */
export async function servicesRules(options: ServicesRulesOptions): Promise<ServicesRulesResult> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  // The rules a node there would run: a data directory that is not there runs nothing (a typo in
  // --data-dir must not show the default set as if it were in effect).
  try {
    await access(dataDir);
  } catch {
    throw usage("NO_DATA_DIR", `--data-dir: ${dataDir} does not exist; start the node there first (imi up)`);
  }
  const { rules, origin } = await rulesOf(dataDir);
  let account: string | undefined;
  try {
    // Only a node's own key ring: a data directory that has none is not created by looking.
    await access(join(dataDir, "keys"));
    const ring = await openKeyRing(dataDir);
    if (await ring.has(SERVICES_KEY)) account = await ring.address(SERVICES_KEY);
  } catch {
    account = undefined;
  }
  return { origin, purpose: rules.purpose, ...(account ? { account } : {}), count: rules.rules.length, rules: rules.rules };
}

export type ServicesListOptions = { dataDir?: string; state?: string; citizen?: string };
export type ServicesListResult = { running: boolean; services: Array<CitizenService & { citizen: string }>; counts: Record<string, number> };

/** The node's service jobs, filtered by state and citizen. */
export async function servicesList(options: ServicesListOptions): Promise<ServicesListResult> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  if (options.state !== undefined && !(SERVICE_STATES as readonly string[]).includes(options.state))
    throw usage("INVALID_STATE", `--state: one of ${SERVICE_STATES.join(", ")}`);
  if (options.citizen !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(options.citizen)) throw usage("INVALID_CITIZEN", "--citizen: the citizen id, 32 bytes as 0x hex");
  const { rules } = await rulesOf(dataDir);
  let view;
  try {
    view = await readOperatorView(dataDir, { ...(options.state ? { state: options.state as JobState } : {}), ...(options.citizen ? { citizen: options.citizen.toLowerCase() } : {}) });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "SERVICES_STORE_UNAVAILABLE") throw new CliError(code, (error as Error).message, { exitCode: EXIT.unavailable, cause: error });
    throw error;
  }
  const services = view.jobs.map((j) => ({ citizen: j.citizen, ...serviceJson(j, rules) }));
  const counts: Record<string, number> = {};
  for (const s of services) counts[s.state] = (counts[s.state] ?? 0) + 1;
  return { running: view.running, services, counts };
}
