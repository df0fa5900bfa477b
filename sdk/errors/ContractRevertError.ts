import { ImiError, type ImiErrorOptions } from "./ImiError.js";

export type ContractRevertErrorOptions<TArgs> = ImiErrorOptions & {
  /** Decoded arguments of the custom error, by parameter name. */
  args: TArgs;
  /** The raw revert data. */
  data: `0x${string}`;
  /** The contract and function that reverted, when known. */
  contract?: string;
  functionName?: string;
};

/**
 * A contract refused the call with a Solidity custom error. Each IMI error has its own subclass
 * (see contractErrors.ts), e.g. `ConsentRegistryUnauthorizedError`, carrying the arguments.
 * `code` is always "CONTRACT_REVERT"; `errorName` is the Solidity name.
 */
export class ContractRevertError<TArgs = Record<string, unknown>> extends ImiError {
  override name: string = "ContractRevertError";
  readonly errorName: string;
  readonly args: TArgs;
  readonly data: `0x${string}`;
  readonly contract: string | undefined;
  readonly functionName: string | undefined;

  constructor(errorName: string, options: ContractRevertErrorOptions<TArgs>) {
    const where = options.contract ? ` in ${options.contract}${options.functionName ? `.${options.functionName}` : ""}` : "";
    super("CONTRACT_REVERT", `Contract reverted with ${errorName}${where}.`, {
      ...options,
      details: options.details ?? stringifyArgs(options.args),
    });
    this.errorName = errorName;
    this.args = options.args;
    this.data = options.data;
    this.contract = options.contract;
    this.functionName = options.functionName;
  }
}

function stringifyArgs(args: unknown): string {
  return JSON.stringify(args, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}
