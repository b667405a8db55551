import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { settings } from '../../../db/schema.ts';
import { prepared } from './prepared.ts';

/** A value the database keeps about itself (table `settings`), or undefined when it was never set. */
export function getSetting(db: Db, key: string): string | undefined {
  // Asked on every page that shows peer figures and every finish (what the peer statistics hold): prepared once.
  return (prepared(db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

export function setSetting(db: Db, key: string, value: string): void {
  db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();
}

/**
 * The value under `key`, created by `make` when there is none. Insert-or-ignore
 * then read, so two processes creating it at once both end up with the first
 * one's value.
 */
export function settingOrCreate(db: Db, key: string, make: () => string): string {
  db.insert(settings).values({ key, value: make() }).onConflictDoNothing().run();
  return getSetting(db, key)!;
}
