// A subject's credit entries as the chain has them at the moment of asking: the public lookup shows
// those on published lists, the enterprise's tracker every one of them.
import { getCreditEntriesOf, getCreditEntry, getCreditLists, type Hex } from "@imi-ledger/sdk";
import type { GatewayContext } from "./GatewayContext.js";

type CreditList = Awaited<ReturnType<typeof getCreditLists>>[number];

/** The subject's entries on `lists`, in list order; an id the registry does not know is left out. */
export async function creditEntriesOn(ctx: GatewayContext, subject: Hex, lists: readonly CreditList[]) {
  const rows = [];
  for (const list of lists) {
    for (const entryId of await getCreditEntriesOf(ctx.relay, { subject, schemaId: list.schemaId })) {
      const e = await getCreditEntry(ctx.relay, { entryId });
      if (e.status === "unknown") continue;
      rows.push({
        entryId,
        schemaId: list.schemaId,
        list: list.name,
        kind: list.kind,
        published: list.published,
        authority: e.authority,
        legalBasis: e.legalBasis,
        reason: e.reason,
        startsAt: String(e.startsAt),
        endsAt: String(e.endsAt),
        status: e.status,
        endedAt: String(e.endedAt),
      });
    }
  }
  return rows;
}
