// The import's pacer on a clock the test moves: however many calls ask at once, no 60-second
// window holds more than 90 % of the budget, so the gateway's per-minute limit is never reached.
import { describe, expect, it } from "vitest";
import { pacer } from "../../cli/internal/pace.js";

describe("pacer", () => {
  it("spaces calls so that no minute holds more than 90 % of the budget", async () => {
    // A clock that never moves by itself: each call's start is the time the pacer gave it.
    const starts: number[] = [];
    const clock = { now: () => 1_000_000, sleep: async () => {} };
    const pace = pacer(600, 0.9, clock);
    // 8 callers at once, as the import's workers are, for 1,000 calls.
    const queue = Array.from({ length: 1000 }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (queue.shift() !== undefined) {
          starts.push(await pace.turn());
        }
      }),
    );
    starts.sort((a, b) => a - b);
    let most = 0;
    for (let i = 0, j = 0; i < starts.length; i++) {
      while (starts[i]! - starts[j]! >= 60_000) j++;
      most = Math.max(most, i - j + 1);
    }
    expect(starts).toHaveLength(1000);
    // 90 % of 600 is 540 (541 counting both ends of a window exactly 60 s wide): well under 600.
    expect(most).toBeLessThanOrEqual(541);
    expect(pace.perSecond).toBe(9);
  });
});
