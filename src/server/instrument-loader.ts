import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkInstrument, type InstrumentResult } from '../domain/instrument-check.ts';
import type { Instrument } from '../domain/instrument.ts';
import { config } from './config.ts';
import { templatesDir } from './paths.ts';
import { isYamlSyntaxError, parseYamlCached } from './yaml-cache.ts';

/** The instrument new participants answer: configuration (INSTRUMENT), not a constant in code. */
export function currentInstrumentId(): string {
  return config().INSTRUMENT;
}

export function instrumentPath(id: string = currentInstrumentId()): string {
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

// Fields declared apart from the constructor: Node loads this file by stripping types (scripts/start.mjs), which parameter properties defeat.
export class InstrumentError extends Error {
  readonly file: string;
  readonly errors: string[];
  constructor(file: string, errors: string[]) {
    super(`${file} is not a valid instrument:\n  ${errors.join('\n  ')}`);
    this.file = file;
    this.errors = errors;
  }
}

const cache = new Map<string, Instrument>();

/**
 * The instrument by id, loaded once per process; a bad file throws an error
 * naming item and field. Without an id: the instrument in force, which may
 * not be a legacy version (those only read the responses given with them).
 */
export function loadInstrument(id?: string): Instrument {
  const current = id === undefined;
  id ??= currentInstrumentId();
  let instrument = cache.get(id);
  if (!instrument) {
    const file = instrumentPath(id);
    const result = readInstrumentFile(file);
    if (!result.ok) throw new InstrumentError(file, result.errors);
    instrument = result.instrument;
    cache.set(id, instrument);
  }
  if (current && instrument.legacy) {
    throw new InstrumentError(instrumentPath(id), [`${id} is a legacy version: it scores the responses given with it but cannot be offered to new participants (INSTRUMENT)`]);
  }
  return instrument;
}
