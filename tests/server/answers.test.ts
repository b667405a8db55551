import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findParticipant, loadAnswers, saveAnswers } from '../../src/server/repositories/participants.ts';
import { addParticipant } from '../helpers/participants.ts';
import { openTempDb, type TempDb } from '../helpers/temp-db.ts';

let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.cleanup());

const rowCount = (participantId: number) =>
  (t.db.db.$client.prepare('SELECT count(*) AS n FROM answers WHERE participant_id = ?').get(participantId) as { n: number }).n;

const page = { 'align-targets': 'a', 'align-icp': 'n', 'align-field-input': 'sa' };

describe('saveAnswers', () => {
  it('stores one row per item of the page', async () => {
    const p = await addParticipant(t.db);
    await saveAnswers(t.db, p.id, page);
    expect(await loadAnswers(t.db, p.id)).toEqual(page);
    expect(rowCount(p.id)).toBe(3);
  });

  it('stores one row per item when the same page is posted twice', async () => {
    const p = await addParticipant(t.db);
    await saveAnswers(t.db, p.id, page);
    await saveAnswers(t.db, p.id, page);
    expect(rowCount(p.id)).toBe(3);
    expect(await loadAnswers(t.db, p.id)).toEqual(page);
  });

  it('replaces a changed answer and keeps the others', async () => {
    const p = await addParticipant(t.db);
    await saveAnswers(t.db, p.id, page);
    await saveAnswers(t.db, p.id, { 'align-icp': 'sd', 'align-resources': 'na' });
    expect(await loadAnswers(t.db, p.id)).toEqual({ 'align-targets': 'a', 'align-icp': 'sd', 'align-field-input': 'sa', 'align-resources': 'na' });
    expect(rowCount(p.id)).toBe(4);
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
    // A connection-local trigger makes the participants update fail after the answers are written.
    t.db.db.$client.exec("CREATE TEMP TRIGGER fail_update BEFORE UPDATE ON participants BEGIN SELECT RAISE(ABORT, 'update refused'); END");
    await expect(saveAnswers(t.db, p.id, page)).rejects.toThrow(/update refused/);
    expect(await loadAnswers(t.db, p.id)).toEqual({ 'align-targets': 'd' });
    expect(t.db.db.$client.inTransaction).toBe(false);
  });

  it('stores nothing for a participant that does not exist', async () => {
    await expect(saveAnswers(t.db, 4242, page)).rejects.toThrow(/FOREIGN KEY/);
    expect(rowCount(4242)).toBe(0);
  });

  it('does nothing for an empty page', async () => {
    const p = await addParticipant(t.db);
    await saveAnswers(t.db, p.id, {});
    expect(rowCount(p.id)).toBe(0);
  });
});
