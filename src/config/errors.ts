import type { z } from 'zod';

/** A configuration problem, told as "key: problem" lines; start-up prints it, not a stack. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }

  static fromZod(error: z.ZodError, origin: string): ConfigError {
    return new ConfigError(
      error.issues.map((issue) => {
        const key = issue.path.length ? issue.path.join('.') : '(top level)';
        return `${key}: ${issue.message} (${origin})`;
      }),
    );
  }
}
