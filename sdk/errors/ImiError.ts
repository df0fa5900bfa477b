/** Options every SDK error accepts. */
export type ImiErrorOptions = {
  /** What went wrong underneath (an RPC error, a decoding failure). */
  cause?: unknown;
  /** Extra facts worth logging (never secrets). */
  details?: string;
  /** Human-readable hints for the fix. */
  metaMessages?: string[];
};

/**
 * The one base class of every error the SDK throws. `code` is stable and meant for programs;
 * `shortMessage` is for people. Match on `code` or `instanceof`, never on the message text.
 */
export class ImiError extends Error {
  override name = "ImiError";
  readonly code: string;
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly metaMessages: string[];

  constructor(code: string, shortMessage: string, options: ImiErrorOptions = {}) {
    const lines = [shortMessage, ...(options.metaMessages ?? [])];
    if (options.details) lines.push(`Details: ${options.details}`);
    super(lines.join("\n"), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details;
    this.metaMessages = options.metaMessages ?? [];
  }
}
