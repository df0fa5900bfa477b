// The SDK's one retry policy for gateway calls: the CLI, the signed-request action and the gateway
// client all use it, so they agree on what "try again" means.
import { GatewayError } from "../errors/errors.js";

/**
 * Refusals that say "not yet" rather than "no": the gateway checks its index is caught up with the
 * chain before it does anything, so the same request may simply be sent again a moment later.
 */
export const TRANSIENT_GATEWAY_CODES: ReadonlySet<string> = new Set(["INDEX_BEHIND"]);
/** About 1.5 s in all: an index is a block or two behind for less than that. */
export const GATEWAY_RETRY_DELAYS_MS: readonly number[] = [50, 100, 200, 400, 800];

export function isTransientGatewayError(error: unknown): boolean {
  return error instanceof GatewayError && error.status === 503 && TRANSIENT_GATEWAY_CODES.has(error.gatewayCode ?? "");
}

/**
 * Runs `attempt` again after each transient refusal, with the delays above; any other failure, or
 * the last transient one, is thrown. `attempt` must build its request afresh (a signed request gets
 * a new nonce each time).
 */
export async function withGatewayRetry<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const delay = GATEWAY_RETRY_DELAYS_MS[i];
      if (!isTransientGatewayError(error) || delay === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
