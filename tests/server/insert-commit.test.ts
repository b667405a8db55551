import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertConsultant } from '../../src/server/repositories/consultants.ts';
import { insertParticipant } from '../../src/server/repositories/participants.ts';
import { addParticipant } from '../helpers/participants.ts';
import { openTempDb, type TempDb } from '../helpers/temp-db.ts';

/**
 * An insert that returns its row must not return one that was never stored.
 * In autocommit, SQLite writes the row at the statement's end: better-sqlite3's
 * .get() takes the returned row and ignores a commit that fails after it (a full
 * disk in production). A foreign key checked at commit (defer_foreign_keys)
 * makes the commit fail here on demand.
 */
let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.cleanup());

const count = (table: string) => (t.db.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('inserts that return a row', () => {
  it('throw when the commit fails, instead of answering with a participant that does not exist', async () => {
    const template = await addParticipant(t.db);
    const before = count('participants');
    t.db.db.$client.pragma('defer_foreign_keys = ON');
    const { id: _id, ...row } = template;
    await expect(insertParticipant(t.db, { ...row, studyId: 987_654, resumeTokenHash: 'another-hash' })).rejects.toThrow(/FOREIGN KEY/);
    expect(count('participants')).toBe(before);
  });

  it('return the stored row when the commit succeeds', async () => {
    const c = await insertConsultant(t.db, { email: 'ok@example.com', passwordHash: 'x' });
    expect(t.db.db.$client.prepare('SELECT email FROM consultants WHERE id = ?').get(c.id)).toEqual({ email: 'ok@example.com' });
  });
});
