/**
 * The one error base class of the node area (chain, gateway, indexer, vault): a stable `code`
 * that callers and tests match on, a human message, and optional structured details.
 */
export class NodeError extends Error {
  override readonly name = "NodeError";
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: string, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}
