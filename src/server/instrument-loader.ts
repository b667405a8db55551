import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkInstrument, type InstrumentResult } from '../domain/instrument-check.ts';
import type { Instrument } from '../domain/instrument.ts';
import { templatesDir } from './paths.ts';
import { isYamlSyntaxError, parseYamlCached } from './yaml-cache.ts';

export const CURRENT_INSTRUMENT = 'velocity-v1';

export function instrumentPath(id: string = CURRENT_INSTRUMENT): string {
  return join(templatesDir(), 'instruments', `${id}.yaml`);
}

/** Reads and validates one instrument file; every failure comes back as a message, never a throw. */
export function readInstrumentFile(file: string): InstrumentResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { ok: false, errors: [`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`] };
  }
  let data: unknown;
  try {
    data = parseYamlCached(text);
  } catch (e) {
    if (isYamlSyntaxError(e)) {
      // The parser's first line already names the line and column.
      return { ok: false, errors: [`${file} is not valid YAML: ${e.message.split('\n')[0]!.replace(/:$/, '')}`] };
    }
    throw e;
  }
  return checkInstrument(data);
}

export class InstrumentError extends Error {
  constructor(
    readonly file: string,
    readonly errors: string[],
  ) {
    super(`${file} is not a valid instrument:\n  ${errors.join('\n  ')}`);
  }
}

const cache = new Map<string, Instrument>();

/** The instrument by id, loaded once per process; a bad file throws an error naming item and field. */
export function loadInstrument(id: string = CURRENT_INSTRUMENT): Instrument {
  const hit = cache.get(id);
  if (hit) return hit;
  const file = instrumentPath(id);
  const result = readInstrumentFile(file);
  if (!result.ok) throw new InstrumentError(file, result.errors);
  cache.set(id, result.instrument);
  return result.instrument;
}
