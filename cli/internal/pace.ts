// Spacing for bulk calls to the gateway: each call waits for its turn so that no minute ever holds
// more calls than the gateway's budget allows. A fixed spacing rather than a token bucket with a
// burst: the gateway counts per fixed one-minute window, and evenly spaced calls can never put a
// whole burst plus a full minute's worth into one window.

export type Pacer = {
  /** Calls per second this pacer allows. */
  readonly perSecond: number;
  /** Resolves when the next call may start, with that time (ms, the pacer's clock). */
  turn(): Promise<number>;
};

export type PacerClock = { now(): number; sleep(ms: number): Promise<void> };

const realClock: PacerClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * A pacer for a budget of `perMinute` calls, using `share` of it (0.9: a margin for the logins and
 * retries that count against the same budget, and for clock drift between here and the gateway).
 */
export function pacer(perMinute: number, share = 0.9, clock: PacerClock = realClock): Pacer {
  const perSecond = Math.max((perMinute * share) / 60, 1 / 60);
  const spacing = 1000 / perSecond;
  let next = 0;
  return {
    perSecond,
    async turn() {
      const now = clock.now();
      const at = Math.max(now, next);
      next = at + spacing;
      if (at > now) await clock.sleep(at - now);
      return at;
    },
  };
}
