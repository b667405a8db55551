import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findParticipant, loadAnswers, saveAnswers } from '../../src/server/repositories/participants.ts';
import { addParticipant } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.cleanup());

const rowCount = async (participantId: number) => Number((await t.raw.get<{ n: number }>('SELECT count(*) AS n FROM answers WHERE participant_id = ?', participantId))!.n);

/** Makes every later update of a participant fail, after the answers of a save are written. */
async function refuseParticipantUpdates(): Promise<void> {
  if (t.db.backend === 'sqlite') {
    // Connection-local: gone with the test's connection.
    await t.raw.run("CREATE TEMP TRIGGER fail_update BEFORE UPDATE ON participants BEGIN SELECT RAISE(ABORT, 'update refused'); END");
    return;
  }
  // The test's own database: gone with it.
  await t.raw.run("CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'update refused'; END $$");
  await t.raw.run('CREATE TRIGGER fail_update BEFORE UPDATE ON participants FOR EACH ROW EXECUTE FUNCTION refuse_update()');
}

/** What a rejected promise says, with its cause's words (drizzle on PostgreSQL names the failed query and keeps the server's message as the cause); '' when it resolves. */
async function failureOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return '';
  } catch (e) {
    const err = e as Error & { cause?: Error };
    return `${err.message} ${err.cause?.message ?? ''}`;
  }
}

/** Whether the store's connection is left inside a transaction (SQLite: one connection; PostgreSQL: pooled, nothing is held). */
function leftInTransaction(): boolean {
  if (t.db.backend === 'sqlite') return t.db.db.$client.inTransaction;
  return t.db.pool.totalCount !== t.db.pool.idleCount;
}

const page = { 'align-targets': 'a', 'align-icp': 'n', 'align-field-input': 'sa' };

describe('saveAnswers', () => {
  it('stores one row per item of the page', async () => {
    const p = await addParticipant(t.db);
    await saveAnswers(t.db, p.id, page);
    expect(await loadAnswers(t.db, p.id)).toEqual(page);
    expect(await rowCount(p.id)).toBe(3);
  });

  it('stores one row per item when the same page is posted twice', async () => {
    const p = await addParticipant(t.db);
    await saveAnswers(t.db, p.id, page);
    await saveAnswers(t.db, p.id, page);
    expect(await rowCount(p.id)).toBe(3);
    expect(await loadAnswers(t.db, p.id)).toEqual(page);
  });

  it('replaces a changed answer and keeps the others', async () => {
    const p = await addParticipant(t.db);
    await saveAnswers(t.db, p.id, page);
    await saveAnswers(t.db, p.id, { 'align-icp': 'sd', 'align-resources': 'na' });
    expect(await loadAnswers(t.db, p.id)).toEqual({ 'align-targets': 'a', 'align-icp': 'sd', 'align-field-input': 'sa', 'align-resources': 'na' });
    expect(await rowCount(p.id)).toBe(4);
  });

  it("keeps each participant's answers apart", async () => {
    const a = await addParticipant(t.db);
    const b = await addParticipant(t.db);
    await saveAnswers(t.db, a.id, page);
    await saveAnswers(t.db, b.id, { 'align-targets': 'sd' });
    expect(await loadAnswers(t.db, a.id)).toEqual(page);
    expect(await loadAnswers(t.db, b.id)).toEqual({ 'align-targets': 'sd' });
  });

  it("moves the participant's updatedAt forward", async () => {
    const longAgo = new Date('2020-01-01T00:00:00Z');
    const p = await addParticipant(t.db, { updatedAt: longAgo });
    await saveAnswers(t.db, p.id, page);
    expect((await findParticipant(t.db, p.id))!.updatedAt.getTime()).toBeGreaterThan(longAgo.getTime());
  });

  it('writes the answers and the updatedAt in one transaction: if the second write fails, the first is undone', async () => {
    const longAgo = new Date('2020-01-01T00:00:00Z');
    const p = await addParticipant(t.db, { updatedAt: longAgo });
    await saveAnswers(t.db, p.id, { 'align-targets': 'd' });
    await refuseParticipantUpdates();
    expect(await failureOf(saveAnswers(t.db, p.id, page))).toMatch(/update refused/);
    expect(await loadAnswers(t.db, p.id)).toEqual({ 'align-targets': 'd' });
    expect(leftInTransaction()).toBe(false);
  });

  it('stores nothing for a participant that does not exist', async () => {
    expect(await failureOf(saveAnswers(t.db, 4242, page))).toMatch(/FOREIGN KEY|foreign key constraint/);
    expect(await rowCount(4242)).toBe(0);
  });

  it('does nothing for an empty page', async () => {
    const p = await addParticipant(t.db);
    await saveAnswers(t.db, p.id, {});
    expect(await rowCount(p.id)).toBe(0);
  });
});
