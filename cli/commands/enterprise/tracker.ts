import { getEnterpriseTracker, type EnterpriseTracker, type Hex } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { citizenLogin, withClient } from "../../internal/gateway.js";
import { enterpriseArg } from "./subject.js";

export type EnterpriseTrackerOptions = NodeOptions & KeyOptions & { enterprise: string };
export type EnterpriseTrackerResult = EnterpriseTracker;

/**
 * The enterprise's tracker as its legal representative or staff holding the tracker scope sees it: every
 * access to the enterprise's records, its consents, its credit entries and repair applications. The
 * key is the representative's own citizen key; the gateway checks on chain that it acts for the enterprise.
 */
export async function enterpriseTracker(options: EnterpriseTrackerOptions): Promise<EnterpriseTrackerResult> {
  const enterprise = enterpriseArg("<enterprise>", options.enterprise);
  const node = await connect(options);
  const base = node.requireGateway();
  const account = await loadKey(options);
  const citizen = (await node.client().identity.identityOf({ key: account.address })) as Hex | undefined;
  if (!citizen) throw usage("NOT_A_CITIZEN", `the key ${account.address} controls no identity: representatives act with their own citizen key`);
  const { token } = await citizenLogin(base, node.deployment.chainId, account, citizen);
  const { nextAfterSeq: _next, ...tracker } = await withClient(base, (client) => getEnterpriseTracker(client, { enterprise, token, limit: 1000 }));
  void _next;
  return tracker;
}
