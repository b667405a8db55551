import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password.ts';

/**
 * zxcvbn's score 3: at least 10^8 guesses by its estimate ("safely
 * unguessable: moderate protection from an offline slow-hash scenario").
 * Common passwords, keyboard walks, repeats, dates and names score 0 to 2
 * whatever their length.
 */
export const MIN_STRENGTH_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;

/**
 * Loaded and built on first use: importing the dictionaries takes about 160 ms
 * and building the matcher as much again, which only the commands that set a
 * password pay (every CLI command imports this module through the account
 * service). require keeps the policy a plain synchronous zod check.
 */
function zxcvbn(): ZxcvbnFactory {
  if (!estimator) {
    const load = createRequire(import.meta.url);
    const { ZxcvbnFactory: Factory } = load('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
    const common = load('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    const en = load('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
    estimator = new Factory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
  }
  return estimator;
}

/** What breaks the shape rules (length, not only blanks), or null. */
function shapeProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (password.trim() === '') return 'must not be only spaces or other blank characters';
  return null;
}

/** Why zxcvbn finds the password too easy to guess, or null; the account's e-mail address and name (`related`) count as known words. */
function strengthProblem(password: string, related: readonly (string | undefined)[]): string | null {
  const inputs = related.filter((r): r is string => !!r).flatMap((r) => [r, ...r.split(/[@.\s_-]+/).filter((part) => part.length >= 3)]);
  const result = zxcvbn().check(password, inputs);
  if (result.score >= MIN_STRENGTH_SCORE) return null;
  const why = result.feedback.warning ? ` (${result.feedback.warning.replace(/\.$/, '')})` : '';
  return `is too easy to guess${why}: use four or more unrelated words, or a password manager`;
}

/**
 * What is wrong with a new password, or null when it passes: the shape rules
 * first, then the common-password check, which also refuses passwords built
 * from the account's own e-mail address and name (`related`).
 */
export function passwordProblem(password: string, related: readonly (string | undefined)[] = []): string | null {
  return shapeProblem(password) ?? strengthProblem(password, related);
}

/**
 * The zod check for a form or command that sets a password next to an e-mail
 * address (and maybe a name), after PasswordFieldSchema has checked the shape:
 * attach with `.superRefine(passwordPolicy)`.
 */
export function passwordPolicy(value: { password: string; email?: string; name?: string }, ctx: z.RefinementCtx): void {
  if (shapeProblem(value.password)) return;
  const problem = strengthProblem(value.password, [value.email, value.name]);
  if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
}

/** A password field's own rules (length, not only blanks); the common-password check needs the account too, see passwordPolicy. */
export const PasswordFieldSchema = z.string().superRefine((password, ctx) => {
  const problem = shapeProblem(password);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
