// When each part of a node's start finished, in milliseconds since the process started: what a
// restart spends its time on (docs/scale.md), logged once as `node.started`. The process's start is
// read from /proc (Linux), so it counts the time before the `imi` launcher replaced itself with the
// V8 flags it needs (the pid and its start time stay the same); elsewhere the clock starts when
// this process's Node started.
import { readFileSync } from "node:fs";

/** Linux's USER_HZ: /proc gives a process's start time in these ticks since boot. */
const TICKS_PER_SECOND = 100;

function processStartedMsAgo(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const startTicks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const uptimeSeconds = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
    const ago = uptimeSeconds * 1000 - (startTicks * 1000) / TICKS_PER_SECOND;
    if (Number.isFinite(ago) && ago >= 0) return ago;
  } catch {
    // Not Linux: this Node's own start.
  }
  return performance.now();
}

export type StartPhases = {
  /** Notes that `phase` has just finished. */
  mark(phase: string): void;
  /** Each phase's end, ms since the process started, in the order they finished. */
  phasesMs(): Record<string, number>;
};

export function startPhases(): StartPhases {
  // The process's start on this Node's clock (performance.now() is 0 when Node started).
  const origin = performance.now() - processStartedMsAgo();
  const marks: Record<string, number> = {};
  return {
    mark(phase) {
      marks[phase] = Math.round(performance.now() - origin);
    },
    phasesMs: () => ({ ...marks }),
  };
}
