import { InvalidArgumentError } from 'commander';

/** Bad input from the operator: printed as one line, exit code 2. */
export class UsageError extends Error {}

export function numberOption(name: string, opts: { min?: number; max?: number; integer?: boolean; positive?: boolean } = {}) {
  return (raw: string): number => {
    const n = Number(raw);
    const range =
      opts.min !== undefined && opts.max !== undefined
        ? ` from ${opts.min} to ${opts.max}`
        : opts.positive
          ? ' above 0'
          : opts.min !== undefined
            ? ` of ${opts.min} or more`
            : '';
    const what = opts.integer ? 'a whole number' : 'a number';
    if (raw.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be ${what}${range}, not "${raw}".`);
    if (opts.integer && !Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be ${what}${range}, not "${raw}".`);
    if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max) || (opts.positive && n <= 0)) {
      throw new InvalidArgumentError(`${name} must be ${what}${range}, not ${raw}.`);
    }
    return n;
  };
}
