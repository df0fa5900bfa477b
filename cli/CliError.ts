/** Error codes every `imi` command may exit with; scripts can rely on them. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  config: 3,
  unavailable: 4,
  /** The command ran to the end but refused some of its items (rows of an import); it lists them. */
  partial: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The one error base class of the CLI: a stable `code` plus the exit status it maps to. */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly code: string;
  readonly exitCode: ExitCode;
  /** What a script needs besides the message (every problem of a file, not only the first). */
  readonly details: Record<string, unknown> | undefined;
  /** Already printed with the command's result (a partly failed import): the handler only exits. */
  readonly reported: boolean;

  constructor(code: string, message: string, options: { exitCode?: ExitCode; cause?: unknown; details?: Record<string, unknown>; reported?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT.failure;
    this.details = options.details;
    this.reported = options.reported === true;
  }
}
