import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cacheDir } from './paths.ts';

type YamlModule = typeof import('yaml');

/**
 * YAML text parsed to plain data, remembered on disk as JSON under a hash of
 * the text: parsing the instrument's 100 KB of YAML is most of a cold start's
 * instrument load (about 50 ms), reading JSON a millisecond. The `yaml`
 * package itself is loaded only when something has to be parsed, which
 * saves every start with a filled cache another few milliseconds. Callers
 * still validate what they get; only the parse is skipped. A cache that
 * cannot be read or written is simply not used.
 */
export function parseYamlCached(text: string): unknown {
  const file = join(cacheDir(), 'yaml', `${createHash('sha256').update(text).digest('hex')}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Not cached yet, or unreadable: parse.
  }
  const data: unknown = yaml().parse(text, { prettyErrors: true });
  try {
    mkdirSync(join(cacheDir(), 'yaml'), { recursive: true });
    writeFileSync(file, JSON.stringify(data));
  } catch {
    // A read-only install parses every time.
  }
  return data;
}

/** A syntax error from the parser (its message starts with the line and column). */
export const isYamlSyntaxError = (e: unknown): e is Error => e instanceof yaml().YAMLParseError;

let loaded: YamlModule | undefined;
const yaml = (): YamlModule => (loaded ??= createRequire(import.meta.url)('yaml') as YamlModule);
