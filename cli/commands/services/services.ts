// `imi services ...`: the life-event rule set in effect, and the node's deliveries, offers and
// failures (from the running node's operator view, or from its store when it is stopped).
import { resolve } from "node:path";
import { DEFAULT_DATA_DIR } from "../../../node/runtime/config.js";
import { SERVICE_STATES, type CitizenService } from "@imi-ledger/sdk";
import { loadServiceRules } from "../../../node/services/startServices.js";
import { readOperatorView } from "../../../node/services/operatorView.js";
import { serviceJson } from "../../../node/services/serviceJson.js";
import type { ServiceRule } from "../../../node/services/rules.js";
import type { JobState } from "../../../node/services/ServicesStore.js";
import { CliError, EXIT } from "../../CliError.js";
import { usage } from "../../internal/errors.js";

export type ServicesRulesOptions = { dataDir?: string };
export type ServicesRulesResult = { origin: string; purpose: string; count: number; rules: ServiceRule[] };

/** The rule set the node runs (its services.json, or the default), validated as at start. */
export async function servicesRules(options: ServicesRulesOptions): Promise<ServicesRulesResult> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const { rules, origin } = await loadServiceRules(dataDir);
  return { origin, purpose: rules.purpose, count: rules.rules.length, rules: rules.rules };
}

export type ServicesListOptions = { dataDir?: string; state?: string; citizen?: string };
export type ServicesListResult = { running: boolean; services: Array<CitizenService & { citizen: string }>; counts: Record<string, number> };

/** The node's service jobs, filtered by state and citizen. */
export async function servicesList(options: ServicesListOptions): Promise<ServicesListResult> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  if (options.state !== undefined && !(SERVICE_STATES as readonly string[]).includes(options.state))
    throw usage("INVALID_STATE", `--state: one of ${SERVICE_STATES.join(", ")}`);
  if (options.citizen !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(options.citizen)) throw usage("INVALID_CITIZEN", "--citizen: the citizen id, 32 bytes as 0x hex");
  const { rules } = await loadServiceRules(dataDir);
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
