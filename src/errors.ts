/**
 * Errors the user sees as one sentence with what to do next, never as a stack trace.
 * `exitCode` follows the CLI contract: 1 failure, 2 bad usage or config, 3 conflicts await review.
 */
export class MaestroError extends Error {
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Bad command-line input: exit 2. */
export class UsageError extends MaestroError {
  constructor(message: string) {
    super(message, { exitCode: 2 });
  }
}

/** Bad configuration. `file:line:column: message` when the position is known; exit 2. */
export class ConfigError extends MaestroError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(message: string, where: { file?: string; line?: number; column?: number } = {}) {
    const prefix = [where.file, where.line, where.column].filter((part) => part !== undefined).join(':');
    super(prefix ? `${prefix}: ${message}` : message, { exitCode: 2 });
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

/** The repository cannot be used as it is (not a repo, empty, ...): exit 2. */
export class RepoError extends MaestroError {
  constructor(message: string) {
    super(message, { exitCode: 2 });
  }
}

export function checkExhaustive(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
