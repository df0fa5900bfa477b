import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { readContract } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

export type GetCommunityFactParameters = { uid: Hex };
/** `issuedAt` 0: no such fact. */
export type GetCommunityFactReturnType = { uid: Hex; resident: Hex; attester: Address; commitment: Hex; issuedAt: bigint; expiresAt: bigint; revokedAt: bigint };

/** A fact's public part on chain: whom it is about, who endorsed it, its commitment and times (never its topic or value). */
export async function getCommunityFact(client: ImiBaseClient, p: GetCommunityFactParameters): Promise<GetCommunityFactReturnType> {
  const uid = toBytes32("uid", p.uid);
  const raw = await readContract(client, { contract: "communityRegistry", functionName: "getFact", args: [uid] });
  return { uid, resident: raw.resident, attester: raw.attester, commitment: raw.commitment, issuedAt: raw.issuedAt, expiresAt: raw.expiresAt, revokedAt: raw.revokedAt };
}

export type GetCommunityShareParameters = { shareId: Hex };
/** `grantedAt` 0: no such share. */
export type GetCommunityShareReturnType = { shareId: Hex; resident: Hex; neighbour: Hex; validUntil: bigint; grantedAt: bigint; revokedAt: bigint; grantedBy: Address; factCount: number };

/** A share on chain: resident, neighbour, until when, revoked when. */
export async function getCommunityShare(client: ImiBaseClient, p: GetCommunityShareParameters): Promise<GetCommunityShareReturnType> {
  const shareId = toBytes32("shareId", p.shareId);
  const raw = await readContract(client, { contract: "communityRegistry", functionName: "getShare", args: [shareId] });
  return { shareId, resident: raw.resident, neighbour: raw.neighbour, validUntil: raw.validUntil, grantedAt: raw.grantedAt, revokedAt: raw.revokedAt, grantedBy: raw.grantedBy, factCount: Number(raw.factCount) };
}
