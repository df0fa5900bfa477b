import { callGateway } from "../../gateway/client/callGateway.js";
import type { GatewayBaseClient } from "../../gateway/client/GatewayBaseClient.js";
import type { PublishedCommunityFact } from "../../gateway/schemas/community.js";
import { toCommunityFact, type CommunityFact } from "../../community/communityFacts.js";
import { toNonZeroBytes32 } from "../../internal/validate.js";
import type { Hex } from "../../types.js";

export type PublishCommunityFactParameters = { uid: Hex; fact: CommunityFact; value: boolean; salt: Hex };
export type PublishCommunityFactReturnType = PublishedCommunityFact;

/** POST /v1/community/facts: the attester hands the gateway the opening of a fact it attested (from attestCommunityFact). */
export async function publishCommunityFact(client: GatewayBaseClient, p: PublishCommunityFactParameters): Promise<PublishCommunityFactReturnType> {
  const body = { uid: toNonZeroBytes32("uid", p.uid), fact: toCommunityFact("fact", p.fact), value: p.value === true, salt: toNonZeroBytes32("salt", p.salt) };
  return (await callGateway<PublishedCommunityFact>(client, { method: "POST", path: "/v1/community/facts", body, what: "community fact" })).body;
}
