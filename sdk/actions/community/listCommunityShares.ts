import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { getEvents } from "../../internal/contractCall.js";
import { toBytes32 } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";

/** Exactly one of `resident`, `neighbour` or `shareId`. */
export type ListCommunitySharesParameters = { resident?: Hex; neighbour?: Hex; shareId?: Hex };
export type CommunityShareEvent = { shareId: Hex; resident: Hex; neighbour: Hex; facts: Hex[]; validUntil: bigint; grantedBy: Address; blockNumber: number };
export type ListCommunitySharesReturnType = CommunityShareEvent[];

/**
 * Shares as the chain's FactsShared events record them (the facts of a share are in its event only,
 * as the registry never reads them back as a list): by resident, by neighbour or one share by id.
 */
export async function listCommunityShares(client: ImiBaseClient, p: ListCommunitySharesParameters): Promise<ListCommunitySharesReturnType> {
  const topics = [
    p.shareId === undefined ? null : toBytes32("shareId", p.shareId),
    p.resident === undefined ? null : toBytes32("resident", p.resident),
    p.neighbour === undefined ? null : toBytes32("neighbour", p.neighbour),
  ];
  const events = await getEvents(client, { contract: "communityRegistry", eventName: "FactsShared", topics });
  return events.map((e) => {
    const a = e.args as { shareId: Hex; resident: Hex; neighbour: Hex; facts: readonly Hex[]; validUntil: bigint; grantedBy: Address };
    return { shareId: a.shareId, resident: a.resident, neighbour: a.neighbour, facts: [...a.facts], validUntil: a.validUntil, grantedBy: a.grantedBy, blockNumber: e.blockNumber };
  });
}
