// A progress bar for long runs (bulk registration, batch anchoring) on stderr, shown only to a
// person at a terminal: scripts and --json runs get no bar.
import { SingleBar, Presets } from "cli-progress";

export type Progress = { tick(): void; stop(): void };

export function progressBar(total: number, label: string, enabled: boolean): Progress {
  if (!enabled || process.stderr.isTTY !== true || total < 2) return { tick() {}, stop() {} };
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta}s`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  bar.start(total, 0);
  return {
    tick: () => bar.increment(),
    stop: () => bar.stop(),
  };
}
