// The glue between commander and a command function: reads the global --json, builds the printer
// and converts errors, so each command file only parses its options and prints its result.
import type { Command } from "commander";
import { converted } from "./errors.js";
import { printer, type Printer } from "./output.js";

export function jsonOutput(command: Command): boolean {
  let root: Command = command;
  while (root.parent) root = root.parent;
  return root.opts<{ json?: boolean }>().json === true;
}

/** The global --verbose: hex beside names. */
export function verboseOutput(command: Command): boolean {
  let root: Command = command;
  while (root.parent) root = root.parent;
  return root.opts<{ verbose?: boolean }>().verbose === true;
}

/** Commander action: `fn(out, ...commander's arguments)` with errors turned into CliError. */
export function action<A extends unknown[]>(fn: (out: Printer, ...args: A) => Promise<void>) {
  return async function (this: Command, ...args: A): Promise<void> {
    const out = printer(jsonOutput(this), verboseOutput(this));
    await converted(() => fn(out, ...args));
    if (out.failure) throw out.failure;
  };
}

/** The named subcommand group under `parent`, created once (several files may add to it). */
export function group(parent: Command, name: string, description: string): Command {
  return parent.commands.find((c) => c.name() === name) ?? parent.command(name).description(description);
}
