import { and, gte, lt } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { settings } from '../../../db/schema.ts';
import { onSqlite, type Store } from '../data/store.ts';
import * as pgSettings from './pg/settings.ts';
import { prepared } from './prepared.ts';

export function getSettingOn(h: Db, key: string): string | undefined {
  // Asked on every page that shows peer figures and every finish (what the peer statistics hold): prepared once.
  return (prepared(h, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

/** A value the database keeps about itself (table `settings`), or undefined when it was never set. */
export async function getSetting(db: Store, key: string): Promise<string | undefined> {
  if (db.backend === 'pg') return pgSettings.getSetting(db, key);
  return onSqlite(db, (h) => getSettingOn(h, key));
}

export async function setSetting(db: Store, key: string, value: string): Promise<void> {
  if (db.backend === 'pg') return pgSettings.setSetting(db, key, value);
  await onSqlite(db, (h) => h.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run());
}

/**
 * The value under `key`, created by `make` when there is none. Insert-or-ignore
 * then read, so two processes creating it at once both end up with the first
 * one's value.
 */
export async function settingOrCreate(db: Store, key: string, make: () => string): Promise<string> {
  if (db.backend === 'pg') return pgSettings.settingOrCreate(db, key, make);
  return onSqlite(db, (h) => {
    h.insert(settings).values({ key, value: make() }).onConflictDoNothing().run();
    return getSettingOn(h, key)!;
  });
}

/** Deletes the keys k with from <= k < to (compared by their bytes), e.g. one prefix's older entries. */
export async function deleteSettingsBetween(db: Store, from: string, to: string): Promise<void> {
  if (db.backend === 'pg') return pgSettings.deleteSettingsBetween(db, from, to);
  await onSqlite(db, (h) => h.delete(settings).where(and(gte(settings.key, from), lt(settings.key, to))).run());
}
