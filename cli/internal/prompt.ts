// Questions to the person at the terminal, on stderr so stdout stays clean for --json.
// Works with piped stdin too (scripts can answer "y"); end of input means "no".
import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";
import { CliError, EXIT } from "../CliError.js";

async function askLine(question: string, muted: boolean): Promise<string | undefined> {
  let mute = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!mute) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: muted && process.stdin.isTTY === true });
  const closed = new Promise<undefined>((resolve) => rl.once("close", () => resolve(undefined)));
  try {
    const answer = rl.question(question);
    mute = muted;
    const result = await Promise.race([answer, closed]);
    if (muted) process.stderr.write("\n");
    return result;
  } finally {
    rl.close();
  }
}

/** Asks yes/no; anything but y/yes (or end of input) is no. */
export async function confirm(question: string): Promise<boolean> {
  const answer = await askLine(`${question} [y/N] `, false);
  return answer !== undefined && /^y(es)?$/i.test(answer.trim());
}

/** Asks for a password without echoing it. */
export async function askSecret(question: string): Promise<string> {
  const answer = await askLine(question, true);
  if (answer === undefined || answer === "")
    throw new CliError("PASSWORD_REQUIRED", "no password given: set IMI_KEYSTORE_PASSWORD or type it at the prompt", { exitCode: EXIT.usage });
  return answer;
}
