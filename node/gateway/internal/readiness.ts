// What the gateway depends on, part by part, for /readyz and for refusing while a part is down.
// The gateway's own stores report themselves; a node adds the parts it runs beside the gateway
// (the embedded chain's storage) with `addReadinessPart`.
import { NodeError } from "../../NodeError.js";
import { UNAVAILABLE_CODES, unavailable } from "../errors.js";
import type { PartStatus } from "../../storage/StoreHealth.js";
import type { GatewayContext } from "./GatewayContext.js";

export type { PartStatus };

const added = new WeakMap<GatewayContext, Map<string, () => PartStatus>>();

/** Adds a part to the gateway's readiness: while it is not ready, the gateway releases nothing. */
export function addReadinessPart(ctx: GatewayContext, part: string, status: () => PartStatus): void {
  let parts = added.get(ctx);
  if (!parts) added.set(ctx, (parts = new Map()));
  parts.set(part, status);
}

/** Every part, ready or not, in a fixed order. */
export function partStatuses(ctx: GatewayContext): PartStatus[] {
  const { accessLog, nonces, vault, indexer } = ctx.options;
  const own = [accessLog.status(), nonces.status(), vault.status?.() ?? { part: "vault", ready: true }, indexer.storageStatus()];
  return [...own, ...[...(added.get(ctx)?.values() ?? [])].map((status) => status())];
}

/** The code a request is refused with while `part` is down: the gateway's name for its store's code. */
export function refusalCode(part: PartStatus): string {
  if (part.code === "CHAIN_STORAGE_UNAVAILABLE") return "CHAIN_UNAVAILABLE";
  return (part.code && UNAVAILABLE_CODES[part.code]) ?? part.code ?? "NOT_READY";
}

/**
 * Throws 503 with the first unavailable part's code. A write failure anywhere (a full disk) stops
 * every decision until the part has recovered: fail closed, even where the failing part is not on
 * the request's own path (while the chain cannot write, a citizen cannot revoke, so nothing is
 * released under a consent they could not withdraw).
 */
export function assertPartsReady(ctx: GatewayContext): void {
  for (const part of partStatuses(ctx)) {
    if (!part.ready)
      throw unavailable(refusalCode(part), `The ${part.part} is unavailable.`, new NodeError(part.code ?? "NOT_READY", part.reason ?? "unavailable", { details: { part: part.part } }));
  }
}
