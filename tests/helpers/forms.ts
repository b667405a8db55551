import Database from 'better-sqlite3';
import type { RawSql } from './test-store.ts';

/** A form post as a browser sends it, from the site's own origin unless told otherwise. */
export function postForm(base: string, path: string, fields: Record<string, string>, opts: { origin?: string } = {}) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: opts.origin ?? base, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

/**
 * Everything the participant journey can write, as one string: comparing two
 * fingerprints shows whether a request changed anything at all.
 */
export function fingerprint(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    const dump = (sql: string) => JSON.stringify(db.prepare(sql).all());
    return [
      dump('SELECT id, role, company_name, industry, status, updated_at, completed_at FROM participants ORDER BY id'),
      dump('SELECT * FROM answers ORDER BY participant_id, item_id'),
      dump('SELECT * FROM participant_numbers ORDER BY participant_id'),
      dump('SELECT participant_id, velocity, computed_at FROM scores ORDER BY participant_id'),
    ].join('\n');
  } finally {
    db.close();
  }
}

/** fingerprint() of a test store's database, on either backend (timestamps read back as the backend gives them). */
export async function storeFingerprint(raw: RawSql): Promise<string> {
  const dump = async (sql: string) => JSON.stringify(await raw.all(sql));
  return [
    await dump('SELECT id, role, company_name, industry, status, updated_at, completed_at FROM participants ORDER BY id'),
    await dump('SELECT * FROM answers ORDER BY participant_id, item_id'),
    await dump('SELECT * FROM participant_numbers ORDER BY participant_id'),
    await dump('SELECT participant_id, velocity, computed_at FROM scores ORDER BY participant_id'),
  ].join('\n');
}

/** The resume token from a /r/<token>/… location. */
export function tokenOf(location: string | null): string {
  const m = location?.match(/^\/r\/([A-Za-z0-9_-]{22})\//);
  if (!m) throw new Error(`not a participant location: ${location}`);
  return m[1]!;
}
