// Runs `imi` commands for the tests. `imi()` runs a command inside the test process through the
// CLI's own entry (cli/run.ts: the same parsing, commands, error handling and exit statuses as the
// binary), which saves the ~1 s of CPU a new Node process spends loading the CLI's modules; what
// the command prints to stdout and stderr is collected for that run alone. `imiProcess()` starts
// the real binary (cli/bin/imi.js) for the tests that are about the process itself: the launcher,
// exit statuses as the shell sees them, signals.
import { AsyncLocalStorage } from "node:async_hooks";
import { spawn } from "node:child_process";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { format } from "node:util";
import { run } from "../../cli/run.js";

export const IMI_BIN = fileURLToPath(new URL("../../cli/bin/imi.js", import.meta.url));

export type CliRun = {
  code: number;
  stdout: string;
  stderr: string;
  /** The last line of stdout as JSON (what `--json` prints). */
  json: () => Record<string, unknown> & { ok: boolean; error?: { code: string; message: string } };
};

export type ImiOptions = {
  /** Standard input (end of input after it). */
  input?: string;
  /** Variables set on top of this process's environment. */
  env?: Record<string, string>;
  /** The working directory relative paths resolve against. */
  cwd?: string;
};

function cliRun(code: number, stdout: string, stderr: string): CliRun {
  return {
    code,
    stdout,
    stderr,
    json: () => {
      const line = stdout.trim().split("\n").at(-1) ?? "";
      try {
        return JSON.parse(line);
      } catch {
        throw new Error(`not JSON on stdout (exit ${code}):\n${stdout}\n--- stderr ---\n${stderr}`);
      }
    },
  };
}

type Output = { stdout: string; stderr: string };
const output = new AsyncLocalStorage<Output>();

// What a command writes (console or the streams themselves) goes to the run it belongs to; what
// anything else in this process writes (the test node, Vitest) goes where it always went.
let captured = false;
function captureOutput(): void {
  if (captured) return;
  captured = true;
  const methods = { log: "stdout", info: "stdout", debug: "stdout", error: "stderr", warn: "stderr", trace: "stderr" } as const;
  for (const [method, stream] of Object.entries(methods) as [keyof typeof methods, keyof Output][]) {
    const original = console[method];
    console[method] = function (this: Console, ...args: unknown[]) {
      const into = output.getStore();
      if (!into) return original.apply(this, args);
      into[stream] += `${format(...args)}\n`;
    };
  }
  for (const stream of ["stdout", "stderr"] as const) {
    const original = process[stream].write;
    process[stream].write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      const into = output.getStore();
      if (!into) return (original as (...a: unknown[]) => boolean).apply(this, [chunk, ...rest]);
      into[stream] += typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString();
      const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      done?.();
      return true;
    } as typeof original;
  }
}

// The environment, the working directory, standard input and process.exitCode belong to the whole
// process: one command at a time has them.
let queue: Promise<unknown> = Promise.resolve();

/** Runs `imi <args>` in this process and collects its exit status, stdout and stderr. */
export function imi(args: string[], options: ImiOptions = {}): Promise<CliRun> {
  const turn = queue.then(() => runHere(args, options));
  queue = turn.catch(() => undefined);
  return turn;
}

async function runHere(args: string[], options: ImiOptions): Promise<CliRun> {
  captureOutput();
  const env: Record<string, string> = { NO_COLOR: "1", ...options.env };
  const before = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  const cwd = process.cwd();
  const stdin = Object.getOwnPropertyDescriptor(process, "stdin")!;
  const into: Output = { stdout: "", stderr: "" };
  Object.assign(process.env, env);
  if (options.cwd) process.chdir(options.cwd);
  Object.defineProperty(process, "stdin", { configurable: true, enumerable: stdin.enumerable, value: Readable.from([options.input ?? ""]) });
  const connections = ownConnections();
  try {
    const code = await output.run(into, () => run(args));
    return cliRun(code, into.stdout, into.stderr);
  } finally {
    connections.end();
    Object.defineProperty(process, "stdin", stdin);
    process.chdir(cwd);
    for (const [k, v] of before) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

// fetch's connections are the process's (undici's global dispatcher), and a gateway closes a
// kept-alive one after 5 s of silence. A command run here could otherwise send its write on a
// connection an earlier command left idle just as the gateway closed it: the write fails with
// NETWORK (a write is never sent twice), where a command of its own process always starts with
// no connection. Each run gets a dispatcher of its own, closed once its requests are answered.
const GLOBAL_DISPATCHER = Symbol.for("undici.globalDispatcher.1");
function ownConnections(): { end: () => void } {
  const slot = globalThis as unknown as Record<symbol, { constructor: new () => { close(): Promise<void> } } | undefined>;
  const shared = slot[GLOBAL_DISPATCHER];
  // Before the process's first fetch there is no dispatcher yet, and so no connection to reuse.
  if (shared === undefined) return { end: () => undefined };
  const own = new shared.constructor();
  slot[GLOBAL_DISPATCHER] = own as never;
  return {
    end: () => {
      slot[GLOBAL_DISPATCHER] = shared;
      void own.close().catch(() => undefined);
    },
  };
}

/** Runs the real `imi` binary (this Node, which is 22+) as its own process and collects its output. */
export function imiProcess(args: string[], options: ImiOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [IMI_BIN, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: "1", ...options.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve(cliRun(code ?? -1, stdout, stderr)));
    child.stdin.end(options.input ?? "");
  });
}

/** Runs `imi` on a pseudo-terminal (util-linux `script`), as a person at a terminal would: progress bars show. */
export function imiOnTerminal(args: string[], options: { env?: Record<string, string> } = {}): Promise<CliRun> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, IMI_BIN, ...args].map(quote).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], { env: { ...process.env, NO_COLOR: "1", ...options.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr: "", json: () => JSON.parse(stdout) }));
    child.stdin.end();
  });
}
