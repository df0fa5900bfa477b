// What a process of the node does with a promise rejection nobody handled, or an exception nobody
// caught: it is a bug, and the process exits.
//
// Why exit rather than log and go on: the failure happened where no code decided what it means, so
// what the process holds in memory may no longer match its disk (a store half-updated, a loop
// stopped for good). Running on would answer from a state nobody reasoned about. The node is built
// to be stopped at any instant (acknowledged means synced; restarts resume from disk; kill -9 is
// tested), so exiting and being started again by the supervisor is the safe way back. The line is
// logged at fatal level, synchronously, before the exit, so the operator sees the bug and its stack.
import { pino, type Logger } from "pino";

/** Exit status of a process that stopped on a bug (EX_SOFTWARE in sysexits.h). */
export const EXIT_BUG = 70;

let installed = false;

/** Makes an unhandled rejection or uncaught exception a logged, non-zero exit (idempotent). */
export function exitOnBug(logger: Logger = pino({ level: "fatal" }, pino.destination({ fd: 2, sync: true }))): void {
  if (installed) return;
  installed = true;
  const stop = (event: string) => (error: unknown) => {
    logger.fatal({ event, err: error }, "bug: a failure nobody handled; the process exits rather than run on in an unknown state");
    logger.flush?.();
    process.exit(EXIT_BUG);
  };
  process.on("unhandledRejection", stop("unhandled_rejection"));
  process.on("uncaughtException", stop("uncaught_exception"));
}
