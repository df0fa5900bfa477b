import type { ImiBaseClient } from "../../clients/ImiBaseClient.js";
import { getEvents } from "../../internal/contractCall.js";
import { toAddress, toBytes32 } from "../../internal/validate.js";
import type { Address, Hex } from "../../types.js";
import { getConsent, type Consent, type ConsentStatus } from "./getConsent.js";

export type ListConsentsParameters = {
  citizen: Hex;
  agency?: Address;
  /** Only consents now in one of these statuses. */
  status?: readonly ConsentStatus[];
  fromBlock?: number;
};
export type ListConsentsReturnType = Consent[];

/** A citizen's consents, oldest first, with their current status (walked from `ConsentGranted` events). */
export async function listConsents(client: ImiBaseClient, p: ListConsentsParameters): Promise<ListConsentsReturnType> {
  const citizen = toBytes32("citizen", p.citizen);
  const agency = p.agency === undefined ? null : toAddress("agency", p.agency);
  const events = await getEvents(client, {
    contract: "consentRegistry",
    eventName: "ConsentGranted",
    topics: [null, citizen, agency],
    fromBlock: p.fromBlock,
  });
  const consents = await Promise.all(events.map((e) => getConsent(client, { consentId: e.args.consentId as Hex })));
  return p.status ? consents.filter((c) => p.status!.includes(c.status)) : consents;
}
