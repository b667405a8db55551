import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './errors.ts';

/** A libpq service file of one service, for a child program: PGSERVICEFILE=file, PGSERVICE=name. */
export interface PrivateService {
  file: string;
  name: string;
  remove: () => void;
}

/**
 * Writes `settings` as a libpq service (pg_service.conf) in a new folder only
 * its owner can enter, the file itself 0600: the way to hand libpq a setting
 * it reads from no environment variable (sslpassword) without putting it on
 * a command line. remove() deletes folder and file.
 */
export function privateService(settings: Record<string, string>): PrivateService {
  for (const [key, value] of Object.entries(settings)) {
    // libpq reads a service file line by line and drops the spaces that end a line (PostgreSQL 15): a value must survive that.
    if (/[\r\n]/.test(value) || value !== value.trimEnd()) {
      throw new UsageError(`the ${key} of the PostgreSQL address cannot be handed to pg_dump: it holds a line break or ends with a space`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'velocity-pg-service-'));
  const name = 'velocity-backup';
  const file = join(dir, 'pg_service.conf');
  const body = [`[${name}]`, ...Object.entries(settings).map(([k, v]) => `${k}=${v}`), ''].join('\n');
  writeFileSync(file, body, { mode: 0o600, flag: 'wx' });
  return { file, name, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
