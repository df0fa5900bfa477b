import { InvalidDeploymentError } from "../errors/errors.js";
import { toAddress, toChainId } from "../internal/validate.js";
import type { Address } from "../types.js";

/** Where IMI lives on one chain. */
export type ImiDeployment = {
  chainId: number;
  contracts: {
    identityRegistry: Address;
    credentialRegistry: Address;
    consentRegistry: Address;
    accessLog: Address;
    accountRules?: Address;
    accessManager?: Address;
    /** Absent in deployments made before enterprises and credit existed. */
    enterpriseRegistry?: Address;
    creditRegistry?: Address;
    /** Absent in deployments made before community trust existed. */
    communityRegistry?: Address;
    /** What each agency registered it may ask for (absent before agency registration existed). */
    agencyRegistry?: Address;
    /** Deploys citizens' passkey accounts (older deployments have none). */
    passkeyAccountFactory?: Address;
  };
  /** First block worth scanning for events (the deployment block). Default 0. */
  fromBlock?: number;
};

export type ImiContractName = keyof ImiDeployment["contracts"];

/**
 * What `deployment` may be: an {@link ImiDeployment}; `{ chainId, contracts }` whose keys are
 * either SDK names (`identityRegistry`), contract names (`IdentityRegistry`) or Ignition future ids
 * (`Imi#IdentityRegistry`); or the content of Ignition's `deployed_addresses.json` plus `chainId`.
 */
export type DeploymentInput =
  | ImiDeployment
  | { chainId: number | bigint; contracts: Record<string, string>; fromBlock?: number }
  | ({ chainId: number | bigint } & Record<string, unknown>);

const NAMES: Record<string, ImiContractName> = {
  identityregistry: "identityRegistry",
  credentialregistry: "credentialRegistry",
  consentregistry: "consentRegistry",
  accesslog: "accessLog",
  accountrules: "accountRules",
  imiaccessmanager: "accessManager",
  accessmanager: "accessManager",
  enterpriseregistry: "enterpriseRegistry",
  creditregistry: "creditRegistry",
  communityregistry: "communityRegistry",
  agencyregistry: "agencyRegistry",
  passkeyaccountfactory: "passkeyAccountFactory",
};
const REQUIRED: ImiContractName[] = ["identityRegistry", "credentialRegistry", "consentRegistry", "accessLog"];

/** Normalizes and validates a deployment. Throws INVALID_DEPLOYMENT naming what is missing. */
export function parseDeployment(input: DeploymentInput): ImiDeployment {
  if (typeof input !== "object" || input === null) throw new InvalidDeploymentError("expected an object");
  if (input.chainId === undefined)
    throw new InvalidDeploymentError("chainId is missing (Ignition's deployed_addresses.json has none: pass it, or the deployment directory)");
  const chainId = toChainId("deployment.chainId", input.chainId);
  const source =
    "contracts" in input && typeof input.contracts === "object" && input.contracts !== null
      ? (input.contracts as Record<string, unknown>)
      : (input as Record<string, unknown>);
  const contracts: Partial<Record<ImiContractName, Address>> = {};
  for (const [key, value] of Object.entries(source)) {
    const bare = key.includes("#") ? key.slice(key.indexOf("#") + 1) : key;
    const name = NAMES[bare.toLowerCase()];
    if (name) contracts[name] = toAddress(`deployment.contracts.${name}`, value);
  }
  const missing = REQUIRED.filter((n) => !contracts[n]);
  if (missing.length) throw new InvalidDeploymentError(`no address for ${missing.join(", ")}`);
  const fromBlock = "fromBlock" in input && typeof input.fromBlock === "number" ? input.fromBlock : undefined;
  return { chainId, contracts: contracts as ImiDeployment["contracts"], ...(fromBlock !== undefined ? { fromBlock } : {}) };
}
