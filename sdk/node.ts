// The Node entry of `@imi-ledger/sdk`: everything in the browser entry, plus reading an Ignition
// deployment from disk (a directory, its deployed_addresses.json, or a { chainId, contracts } file).
import { buildImiClient, type ImiClient } from "./clients/createImiClient.js";
import type { ImiClientConfig } from "./clients/ImiBaseClient.js";
import type { DeploymentInput } from "./clients/deployment.js";
import { loadDeployment } from "./clients/loadDeployment.js";

export * from "./index.js";
export { loadDeployment } from "./clients/loadDeployment.js";

export type NodeImiClientConfig = Omit<ImiClientConfig, "deployment"> & {
  /** A deployment object, or a path to an Ignition deployment directory / manifest file. */
  deployment: DeploymentInput | string;
  /** Chain id for a bare deployed_addresses.json without the journal beside it. */
  chainId?: number;
};

/** {@link ImiClient} whose `deployment` may also be a path on disk. */
export function createImiClient(config: NodeImiClientConfig): ImiClient {
  if (typeof config.deployment !== "string") return buildImiClient(config as ImiClientConfig);
  const deployment = loadDeployment(config.deployment, config.chainId === undefined ? {} : { chainId: config.chainId });
  return buildImiClient({ ...config, deployment }, deployment);
}
