import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { checkInstrument, type InstrumentResult } from '../domain/instrument-check.ts';
import type { Instrument } from '../domain/instrument.ts';
import { cacheDir, templatesDir } from './paths.ts';

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
    data = parsedYaml(text);
  } catch (e) {
    if (e instanceof YAMLParseError) {
      // The parser's first line already names the line and column.
      return { ok: false, errors: [`${file} is not valid YAML: ${e.message.split('\n')[0]!.replace(/:$/, '')}`] };
    }
    throw e;
  }
  return checkInstrument(data);
}

/**
 * The YAML parsed to plain data, remembered on disk as JSON under a hash of
 * the text: parsing the instrument's 100 KB of YAML is most of a cold start's
 * instrument load (about 50 ms), reading JSON a millisecond. The data is still
 * validated on every load; only the parse is skipped. A cache that cannot be
 * read or written is simply not used.
 */
function parsedYaml(text: string): unknown {
  const file = join(cacheDir(), 'yaml', `${createHash('sha256').update(text).digest('hex')}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Not cached yet, or unreadable: parse.
  }
  const data: unknown = parseYaml(text, { prettyErrors: true });
  try {
    mkdirSync(join(cacheDir(), 'yaml'), { recursive: true });
    writeFileSync(file, JSON.stringify(data));
  } catch {
    // A read-only install parses every time.
  }
  return data;
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
