// The enterprise screens' calls, through the SDK's typed gateway client. The representative signs
// AppointStaff, RemoveStaff, ApplyForRepair and consent changes here, in the browser, with her own
// citizen key; the gateway only relays, and the contracts check that the key acts for the enterprise
// within the scope the action needs.
import {
  applyForRepairTypedData,
  appointStaffTypedData,
  removeStaffTypedData,
  repairEvidenceHash,
  type EnterpriseConsents,
  type EnterpriseCredit,
  type EnterpriseStaffList,
  type EnterpriseTracker,
  type Hex,
} from "@imi-ledger/sdk";
import type { SignedIn } from "../../session.js";
import { gateway } from "../../api/client.js";
import { getDeployment } from "../../api/directory.js";
import type { RepresentedEnterprise } from "./acting.js";

export type { EnterpriseConsents, EnterpriseCredit, EnterpriseStaffList, EnterpriseTracker };

export async function myEnterprises(me: SignedIn): Promise<RepresentedEnterprise[]> {
  return (await gateway.getCitizenEnterprises({ token: me.session.token })).enterprises;
}

export const enterpriseTracker = (me: SignedIn, enterprise: string): Promise<EnterpriseTracker> => gateway.getEnterpriseTracker({ enterprise: enterprise as Hex, token: me.session.token });
export const enterpriseConsents = (me: SignedIn, enterprise: string): Promise<EnterpriseConsents> => gateway.getEnterpriseConsents({ enterprise: enterprise as Hex, token: me.session.token });
export const enterpriseCredit = (me: SignedIn, enterprise: string): Promise<EnterpriseCredit> => gateway.getEnterpriseCredit({ enterprise: enterprise as Hex, token: me.session.token });
export const enterpriseStaff = (me: SignedIn, enterprise: string): Promise<EnterpriseStaffList> => gateway.getEnterpriseStaffList({ enterprise: enterprise as Hex, token: me.session.token });

type Domain = { chainId: number; verifyingContract: Hex; nonce: bigint; deadline: bigint };

/** The contract's domain and the signer's nonce there; a deployment without the contract is refused with a code. */
async function domainOf(me: SignedIn, contract: "enterpriseRegistry" | "creditRegistry"): Promise<Domain> {
  const deployment = await getDeployment();
  const verifyingContract = deployment.contracts[contract] as Hex | undefined;
  const nonces = (await gateway.getSignerNonces({ signer: me.account.address })) as unknown as Record<string, string | undefined>;
  const nonce = nonces[contract];
  if (!verifyingContract || nonce === undefined) throw Object.assign(new Error(`no ${contract}`), { code: "ENTERPRISES_NOT_DEPLOYED" });
  // One hour to reach the ledger: the relay answers in seconds, a stale signature is useless.
  return { chainId: deployment.chainId, verifyingContract, nonce: BigInt(nonce), deadline: BigInt(Math.floor(Date.now() / 1000) + 3600) };
}

export async function appointStaff(me: SignedIn, p: { enterprise: Hex; staff: Hex; scopes: bigint; expiresAt: bigint }): Promise<void> {
  const d = await domainOf(me, "enterpriseRegistry");
  const signature = await me.account.signTypedData(appointStaffTypedData({ ...d, ...p }));
  await gateway.relayAppointStaff({ ...p, authorization: { signer: me.account.address, deadline: d.deadline, signature } });
}

export async function removeStaff(me: SignedIn, p: { enterprise: Hex; staff: Hex }): Promise<void> {
  const d = await domainOf(me, "enterpriseRegistry");
  const signature = await me.account.signTypedData(removeStaffTypedData({ ...d, ...p }));
  await gateway.relayRemoveStaff({ ...p, authorization: { signer: me.account.address, deadline: d.deadline, signature } });
}

export async function applyForRepair(me: SignedIn, p: { entryId: Hex; evidenceHash: Hex }): Promise<{ repairId: string }> {
  const d = await domainOf(me, "creditRegistry");
  const signature = await me.account.signTypedData(applyForRepairTypedData({ ...d, ...p }));
  return gateway.relayApplyForCreditRepair({ ...p, authorization: { signer: me.account.address, deadline: d.deadline, signature } });
}

const hex = (bytes: ArrayBuffer): Hex => `0x${[...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("")}` as Hex;

/** Each chosen file's SHA-256, computed here (the files never leave the device), and the one evidence hash over them. */
export async function evidenceOf(files: readonly File[]): Promise<{ files: Array<{ name: string; digest: Hex }>; evidenceHash: Hex }> {
  const digests = await Promise.all(files.map(async (f) => ({ name: f.name, digest: hex(await crypto.subtle.digest("SHA-256", await f.arrayBuffer())) })));
  return { files: digests, evidenceHash: repairEvidenceHash(digests.map((d) => d.digest)) };
}
