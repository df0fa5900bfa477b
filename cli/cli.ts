// The `imi` process: runs one command (run.ts) and owns process.exit. Each command lives in
// commands/<name>.ts and returns data.
import { run } from "./run.js";
import { exitOnBug } from "../node/runtime/exitOnBug.js";

// A rejection or exception nobody handled is a bug: logged at fatal level, exit 70 (see exitOnBug).
exitOnBug();

process.exitCode = await run(process.argv.slice(2));
