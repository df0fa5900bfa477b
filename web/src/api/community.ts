// The resident's and the neighbour's community calls. The resident signs her Share and RevokeShare
// here, in the browser, with the SDK's typed-data builders; the gateway only relays them.
import { revokeShareTypedData, shareTypedData, type CitizenCommunity, type CommunityView, type Hex } from "@imi-ledger/sdk";
import type { SignedIn } from "../session.js";
import { getDeployment } from "./directory.js";
import { gateway } from "./client.js";

export type { CitizenCommunity, CommunityView };

export function myCommunity(me: SignedIn): Promise<CitizenCommunity> {
  return gateway.getCitizenCommunity({ token: me.session.token });
}

async function signed<T>(me: SignedIn, build: (d: { chainId: number; verifyingContract: Hex; nonce: bigint; deadline: bigint }) => T) {
  const deployment = await getDeployment();
  const verifyingContract = deployment.contracts.communityRegistry as Hex | undefined;
  if (!verifyingContract) throw Object.assign(new Error("no CommunityRegistry"), { code: "COMMUNITY_NOT_DEPLOYED" });
  const { nonce } = await gateway.getCommunityNonce({ signer: me.account.address });
  // One hour to reach the ledger: the relay answers in seconds, a stale signature is useless.
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  return { typed: build({ chainId: deployment.chainId, verifyingContract, nonce: BigInt(nonce), deadline }), deadline };
}

/** Shares the chosen facts with a neighbour for `days` days, signed by the resident's key. */
export async function shareFacts(me: SignedIn, p: { neighbour: Hex; facts: Hex[]; days: number }): Promise<{ shareId: Hex }> {
  const validUntil = BigInt(Math.floor(Date.now() / 1000) + p.days * 86_400);
  const request = { resident: me.session.citizen as Hex, neighbour: p.neighbour, facts: p.facts, validUntil };
  const { typed, deadline } = await signed(me, (d) => shareTypedData({ ...d, request }));
  const authorization = { signer: me.account.address, deadline, signature: await me.account.signTypedData(typed) };
  return gateway.relayShareCommunityFacts({ request, authorization });
}

export async function revokeShare(me: SignedIn, shareId: Hex): Promise<void> {
  const { typed, deadline } = await signed(me, (d) => revokeShareTypedData({ ...d, shareId }));
  await gateway.relayRevokeCommunityShare({ shareId, authorization: { signer: me.account.address, deadline, signature: await me.account.signTypedData(typed) } });
}

/** The neighbour looks at what a resident shares with her; the gateway logs the view in the resident's tracker. */
export function viewShare(me: SignedIn, shareId: Hex): Promise<CommunityView> {
  return gateway.viewCommunityShare({ shareId, token: me.session.token });
}
