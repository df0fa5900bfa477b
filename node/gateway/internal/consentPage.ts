// One page of a consent list (a citizen's, an agency's), in grant order. The cursor names the last
// consent of the page before by its grant position, "<block>-<log index>", which never changes, so a
// page is stable while new grants arrive (they come after every cursor already handed out).
import type { ConsentView } from "../../indexer/index.js";

export const CONSENT_PAGE_DEFAULT = 100;
export const CONSENT_PAGE_MAX = 1000;

const positionOf = (c: ConsentView): [number, number] => [c.grantedBlock, c.grantedLogIndex ?? 0];
const before = (a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/** The page size a query asks for, within 1..CONSENT_PAGE_MAX. */
export function pageLimit(query: { limit?: string }): number {
  return Math.max(1, Math.min(query.limit === undefined ? CONSENT_PAGE_DEFAULT : Number(query.limit), CONSENT_PAGE_MAX));
}

/**
 * A page read from the index's ordered keys (an agency's consents, which may be a million):
 * the same cursor and page as {@link consentPage}, without the whole list.
 */
export async function consentPageFrom(
  read: (limit: number, after?: readonly [number, number]) => Promise<{ consents: ConsentView[]; more: boolean }>,
  query: { limit?: string; cursor?: string },
): Promise<{ consents: ConsentView[]; next?: string }> {
  const after = query.cursor?.split("-").map(Number) as [number, number] | undefined;
  const page = await read(pageLimit(query), after);
  const last = page.consents.at(-1);
  return page.more && last ? { consents: page.consents, next: positionOf(last).join("-") } : { consents: page.consents };
}

export function consentPage(
  consents: readonly ConsentView[],
  query: { limit?: string; cursor?: string },
): { consents: ConsentView[]; next?: string } {
  const limit = pageLimit(query);
  const after = query.cursor?.split("-").map(Number) as [number, number] | undefined;
  const ordered = consents.filter((c) => !after || before(after, positionOf(c))).sort((a, b) => (before(positionOf(a), positionOf(b)) ? -1 : before(positionOf(b), positionOf(a)) ? 1 : 0));
  const page = ordered.slice(0, limit);
  const last = page.at(-1);
  return ordered.length > limit && last ? { consents: page, next: positionOf(last).join("-") } : { consents: page };
}
