import { eq, sql } from 'drizzle-orm';
import { settings } from '../../../../db/pg/schema.ts';
import { pgRead, pgWrite, type PgHandle, type PgStore } from '../../data/store.ts';
import { bytewise } from './collation.ts';

async function getSettingOn(h: PgHandle, key: string): Promise<string | undefined> {
  return (await h.select({ value: settings.value }).from(settings).where(eq(settings.key, key)))[0]?.value;
}

export async function getSetting(db: PgStore, key: string): Promise<string | undefined> {
  return pgRead(db, (h) => getSettingOn(h, key));
}

export async function setSetting(db: PgStore, key: string, value: string): Promise<void> {
  await pgWrite(db, (h) => h.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }));
}

/**
 * Read first: once the key exists (always, but for the first use) this is a
 * plain read, which needs no write transaction (and works inside a
 * read-only one). Else insert-or-ignore then read, as on SQLite: under READ
 * COMMITTED the read is a new snapshot, so an instance whose insert was
 * ignored (another committed the key first, or its insert waited on the
 * other's uncommitted row until that committed) reads the other's value.
 */
export async function settingOrCreate(db: PgStore, key: string, make: () => string): Promise<string> {
  const found = await pgRead(db, (h) => getSettingOn(h, key));
  if (found !== undefined) return found;
  return pgWrite(db, async (h) => {
    const inserted = await h.insert(settings).values({ key, value: make() }).onConflictDoNothing().returning({ value: settings.value });
    return inserted[0]?.value ?? (await getSettingOn(h, key))!;
  });
}

export async function deleteSettingsBetween(db: PgStore, from: string, to: string): Promise<void> {
  const key = bytewise(settings.key);
  await pgWrite(db, (h) => h.delete(settings).where(sql`${key} >= ${from} and ${key} < ${to}`));
}
