import { createGatewayClient, relayAppointStaff, signAppointStaff, enterpriseScopesOf, enterpriseScopeNames, removeStaff as remove, type EnterpriseScopeName, type Hex, InvalidInputError } from "@imi-ledger/sdk";
import { connect, loadKey, type KeyOptions, type NodeOptions } from "../../internal/connect.js";
import { usage } from "../../internal/errors.js";
import { bytes32, time } from "../../internal/parse.js";
import { enterpriseArg } from "./subject.js";

export type AppointStaffOptions = NodeOptions & KeyOptions & { enterprise: string; staff: string; scopes: string; until: string };
export type AppointStaffResult = { enterprise: Hex; staff: Hex; scopes: EnterpriseScopeName[]; expiresAt: number; txHash: Hex };

/**
 * The legal representative appoints a staff member within scopes until a date: its citizen key signs
 * an AppointStaff and the gateway relays it (citizens' keys send no transactions themselves).
 */
export async function appointStaff(options: AppointStaffOptions): Promise<AppointStaffResult> {
  const enterprise = enterpriseArg("<enterprise>", options.enterprise);
  const staff = bytes32("--staff", options.staff);
  let bits: bigint;
  try {
    bits = enterpriseScopesOf((options.scopes ?? "").split(",").filter((s) => s.trim() !== ""));
  } catch (error) {
    if (error instanceof InvalidInputError) throw usage(error.code, `--scopes: ${error.shortMessage}`);
    throw error;
  }
  const expiresAt = Math.floor(time("--until", options.until) / 1000);
  const node = await connect(options);
  const gateway = createGatewayClient({ url: node.requireGateway() });
  const signed = await signAppointStaff(node.client(await loadKey(options)), { enterprise, staff, scopes: bits, expiresAt });
  const { txHash } = await relayAppointStaff(gateway, { enterprise, staff, scopes: bits, expiresAt, authorization: signed.authorization });
  return { enterprise, staff, scopes: enterpriseScopeNames(bits), expiresAt, txHash: txHash as Hex };
}

export type RemoveStaffOptions = NodeOptions & KeyOptions & { enterprise: string; staff: string };

/** The counter (or any key allowed to send transactions) ends an appointment directly on chain. */
export async function removeStaff(options: RemoveStaffOptions): Promise<{ enterprise: Hex; staff: Hex; txHash: Hex }> {
  const enterprise = enterpriseArg("<enterprise>", options.enterprise);
  const staff = bytes32("--staff", options.staff);
  const node = await connect(options);
  const { hash } = await remove(node.client(await loadKey(options)), { enterprise, staff });
  return { enterprise, staff, txHash: hash };
}
