// Turns what the SDK, the node runtime and the gateway throw into the CLI's one error class, so
// the handler in cli.ts prints a stable code and exits with a status that means something.
import { CliError, EXIT } from "../CliError.js";
import { ImiError } from "@imi-ledger/sdk";
import { ContractRevertError } from "@imi-ledger/sdk";
import { GatewayError } from "@imi-ledger/sdk";
import { NodeError } from "../../node/NodeError.js";

/** Bad input the user can fix by changing the command line: nothing was sent. */
export function usage(code: string, message: string): CliError {
  return new CliError(code, message, { exitCode: EXIT.usage });
}

export function toCliError(error: unknown): unknown {
  if (error instanceof CliError) return error;
  if (error instanceof GatewayError) {
    const code = error.gatewayCode ?? `HTTP_${error.status}`;
    return new CliError(code, `the gateway refused (${error.status} ${code})`, {
      exitCode: error.status >= 500 ? EXIT.unavailable : EXIT.failure,
      cause: error,
    });
  }
  if (error instanceof ContractRevertError) {
    // The Solidity error's name is the code (IdentityRegistryKeyInUse, …): stable, and it says what to fix.
    return new CliError(error.errorName, `the contract refused: ${error.errorName}${describeArgs(error)}`, { cause: error });
  }
  if (error instanceof ImiError) {
    if (error.code.startsWith("INVALID") || error.code === "DEADLINE_EXPIRED" || error.code === "KEYSTORE_PASSWORD")
      return new CliError(error.code, error.shortMessage, { exitCode: EXIT.usage, cause: error });
    if (error.code === "NETWORK" || error.code === "TIMEOUT")
      return new CliError("NODE_UNREACHABLE", `${error.shortMessage} Is the node running (imi up)?`, { exitCode: EXIT.unavailable, cause: error });
    if (error.code === "CHAIN_MISMATCH") return new CliError(error.code, error.shortMessage, { exitCode: EXIT.config, cause: error });
    if (error.code === "TX_REJECTED")
      return new CliError(error.code, `${error.shortMessage} (is the account allowlisted? the governor grants roles with \`imi roles grant\`)`, { cause: error });
    return new CliError(error.code, error.shortMessage, { cause: error });
  }
  if (error instanceof NodeError) {
    const config = error.code.startsWith("KEYS_") || error.code.startsWith("CONFIG");
    return new CliError(error.code, error.message, { exitCode: config ? EXIT.config : EXIT.failure, cause: error });
  }
  if (error instanceof TypeError && /fetch failed/.test(error.message)) {
    return new CliError("GATEWAY_UNREACHABLE", "the gateway did not answer. Is the node running (imi up)?", { exitCode: EXIT.unavailable, cause: error });
  }
  return error;
}

function describeArgs(error: ContractRevertError): string {
  const args = Object.entries((error as { args?: Record<string, unknown> }).args ?? {}).filter(([name]) => !/^\d+$/.test(name));
  return args.length ? ` (${args.map(([name, value]) => `${name} ${String(value)}`).join(", ")})` : "";
}

/** Runs a command body and converts whatever it throws. */
export async function converted<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toCliError(error);
  }
}
