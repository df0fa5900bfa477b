import { getEnterprise, getEnterpriseStaff, type EnterpriseStaffMember, type GetEnterpriseReturnType } from "@imi-ledger/sdk";
import { connect, type NodeOptions } from "../../internal/connect.js";
import { enterpriseArg } from "./subject.js";

export type ShowEnterpriseResult = GetEnterpriseReturnType & { staff: EnterpriseStaffMember[] };

/** An enterprise's record on chain and everyone ever appointed as its staff, with their state now: what its representatives see. */
export async function showEnterprise(options: NodeOptions & { enterprise: string }): Promise<ShowEnterpriseResult> {
  const enterprise = enterpriseArg("<enterprise>", options.enterprise);
  const node = await connect(options);
  const client = node.client();
  const record = await getEnterprise(client, { enterprise });
  const staff = record.status === "none" ? [] : await getEnterpriseStaff(client, { enterprise, fromBlock: node.deployment.fromBlock });
  return { ...record, staff };
}
