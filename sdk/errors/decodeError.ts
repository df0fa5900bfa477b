import { Interface } from "ethers";
import { accessLogAbi } from "../abi/accessLogAbi.js";
import { accountRulesAbi } from "../abi/accountRulesAbi.js";
import { consentRegistryAbi } from "../abi/consentRegistryAbi.js";
import { credentialRegistryAbi } from "../abi/credentialRegistryAbi.js";
import { identityRegistryAbi } from "../abi/identityRegistryAbi.js";
import { imiAccessManagerAbi } from "../abi/imiAccessManagerAbi.js";
import { enterpriseRegistryAbi } from "../abi/enterpriseRegistryAbi.js";
import { creditRegistryAbi } from "../abi/creditRegistryAbi.js";
import { communityRegistryAbi } from "../abi/communityRegistryAbi.js";
import { RpcResponseError } from "../clients/transport.js";
import { ContractRevertError } from "./ContractRevertError.js";
import { contractErrorClasses } from "./contractErrors.js";
import { ImiError } from "./ImiError.js";
import { NetworkError, RpcError, TransactionRejectedError, UnknownRevertError, UserRejectedError } from "./errors.js";
import type { Hex } from "../types.js";

const errorInterface = new Interface(
  [identityRegistryAbi, credentialRegistryAbi, consentRegistryAbi, accessLogAbi, accountRulesAbi, imiAccessManagerAbi, enterpriseRegistryAbi, creditRegistryAbi, communityRegistryAbi]
    .flat()
    .filter((item) => item.type === "error")
    .filter((item, i, all) => all.findIndex((o) => "name" in o && "name" in item && o.name === item.name) === i) as never,
);

type Where = {
  contract?: string;
  functionName?: string;
  /** The error came from submitting a transaction: anything but a revert is the node refusing it. */
  sending?: boolean;
};

/** Decodes revert data into the named error class (or UnknownRevertError). */
export function decodeRevert(data: Hex | undefined, where: Where = {}, cause?: unknown): ImiError {
  const location = { contract: where.contract, functionName: where.functionName };
  if (!data || data.length < 10) return new UnknownRevertError(data, { cause });
  let parsed;
  try {
    parsed = errorInterface.parseError(data);
  } catch {
    parsed = null;
  }
  if (!parsed) return new UnknownRevertError(data, { cause });
  const args: Record<string, unknown> = {};
  parsed.fragment.inputs.forEach((input, i) => (args[input.name || String(i)] = parsed.args[i]));
  const Named = (contractErrorClasses as Record<string, new (o: never) => ContractRevertError>)[parsed.name];
  const options = { args, data, cause, ...location };
  return Named ? new Named(options as never) : new ContractRevertError(parsed.name, options);
}

function findRevertData(value: unknown, depth = 0): Hex | undefined {
  if (depth > 4 || value === null || value === undefined) return undefined;
  if (typeof value === "string") return /^0x[0-9a-fA-F]{8,}$/.test(value) && (value.length - 2) % 2 === 0 ? (value as Hex) : undefined;
  if (typeof value === "object") {
    for (const key of ["data", "result", "error", "originalError", "cause"]) {
      const found = findRevertData((value as Record<string, unknown>)[key], depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

const REJECTION = /nonce|underpriced|insufficient funds|enough funds|allowlist|not allowed|permission|gas limit|already known|exceeds block gas|intrinsic gas|replacement/i;

/**
 * Maps anything an RPC call threw to an SDK error: a named contract error, a rejection by the node,
 * a user rejection, or a network failure.
 */
export function toImiError(error: unknown, where: Where = {}): ImiError {
  if (error instanceof ImiError) return error;
  if (error instanceof RpcResponseError) {
    if (error.code === 4001) return new UserRejectedError({ cause: error });
    const data = findRevertData(error.data);
    if (data) return decodeRevert(data, where, error);
    if (error.code === 3 || /revert/i.test(error.message)) return new UnknownRevertError(undefined, { cause: error });
    if (where.sending || REJECTION.test(error.message) || error.code === -32003 || error.code === -32010)
      return new TransactionRejectedError(`The node rejected the transaction: ${error.message}`, { cause: error });
    return new RpcError(error.code, error.message, { cause: error });
  }
  return new NetworkError("Unexpected failure talking to the node.", { cause: error });
}
