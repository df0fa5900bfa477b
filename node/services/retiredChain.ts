// The services and the webhooks after the chain moved to a network that continues it
// (docs/scale-out.md). Both keep block cursors; before the move those count the retired chain's
// blocks. The successor's genesis holds the state after the export block and block 0 has no events,
// so, as the index does, each store first reads whatever it had not read yet from the retired chain
// (up to the export block), then stands at the successor's block 0 and is marked as continuing on
// that chain (`m:successor`); from there its cursors count the successor's blocks. A store that is
// marked for another chain, or whose unmarked cursor stands past the export block, matches neither
// chain and is refused, nothing changed.
import { NodeError } from "../NodeError.js";

/** The retired chain, served read-only by the running node, and where the move happened. */
export type RetiredChain = {
  chain: { request<T>(method: string, params?: unknown[]): Promise<T>; maxLogBlockRange: number };
  /** Where the deployment's events start on the retired chain. */
  fromBlock: number;
  /** The export block: the successor's genesis holds the state after it. */
  block: number;
  /** The chain that continues it (the one the node now runs on). */
  successorChainId: number;
};

/**
 * Refuses a store whose position matches neither chain: marked for another successor, or unmarked
 * with a cursor past the retired chain's last block (it cannot count that chain's blocks, and
 * nothing says it counts the successor's).
 */
export function checkCursorsOnMove(
  code: "SERVICES_MIGRATION_MISMATCH" | "WEBHOOKS_MIGRATION_MISMATCH",
  position: { cursors: Record<string, number | undefined>; successorChainId: number | undefined },
  retired: Pick<RetiredChain, "block" | "successorChainId">,
): void {
  if (position.successorChainId === retired.successorChainId) return;
  if (position.successorChainId !== undefined) {
    throw new NodeError(code, `The ${code.startsWith("SERVICES") ? "services'" : "webhooks'"} cursors continue on chain ${position.successorChainId}, not on chain ${retired.successorChainId} that the node runs.`, {
      details: { successorChainId: position.successorChainId, chainId: retired.successorChainId },
    });
  }
  for (const [name, cursor] of Object.entries(position.cursors)) {
    if (cursor !== undefined && cursor > retired.block) {
      throw new NodeError(code, `The ${name} cursor stands at block ${cursor}, past block ${retired.block} where the chain was retired, and was never moved to chain ${retired.successorChainId}.`, {
        details: { cursor: name, block: cursor, retired: retired.block },
      });
    }
  }
}
