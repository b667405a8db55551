import { eq } from 'drizzle-orm';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePg, openPg, type PgDb } from '../../db/pg/client.ts';
import { answers, consultants, participants, scores, studies } from '../../db/pg/schema.ts';
import { projectRoot } from '../../src/server/paths.ts';
import { freshDatabase } from '../helpers/pg.ts';

let db: PgDb;
let pool: pg.Pool;

beforeAll(async () => {
  ({ db, pool } = openPg(await freshDatabase('schema'), { max: 2 }));
  await migratePg(pool, join(projectRoot(), 'db', 'pg', 'migrations'));
});

afterAll(async () => {
  await pool.end();
});

/** Rows read back as the app reads them from SQLite: Dates to the millisecond, booleans, Buffers, doubles, numeric ids. */
describe('rows on PostgreSQL', () => {
  it('read back with the types and values SQLite gives', async () => {
    const disabledAt = new Date('2026-03-04T05:06:07.891Z');
    const [consultant] = await db.insert(consultants).values({ email: 'a@example.com', passwordHash: 'x', disabledAt }).returning();
    expect(consultant).toMatchObject({ id: 1, weeklySummary: false, disabledAt, summaryQueuedAt: null });
    expect(consultant!.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(consultant!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);

    const logo = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    const [study] = await db.insert(studies).values({ consultantId: consultant!.id, name: 'S', inviteToken: 't', brandLogo: logo }).returning();
    expect(study!.brandLogo).toEqual(logo);
    expect(study!.status).toBe('open');

    const [participant] = await db
      .insert(participants)
      .values({
        studyId: study!.id,
        role: 'leader',
        companyName: 'C',
        industry: 'software',
        employees: '50-199',
        salesTeam: '1-5',
        region: 'emea',
        motion: 'field',
        instrumentId: 'velocity-v2',
        instrumentVersion: 2,
        resumeTokenHash: 'h',
        updatedAt: new Date(),
      })
      .returning();
    await db.insert(answers).values({ participantId: participant!.id, itemId: 'q1', value: 'agree' });
    // A double keeps every bit (PostgreSQL's real would not).
    const velocity = 0.1 + 0.2;
    await db.insert(scores).values({
      participantId: participant!.id,
      velocity,
      role: 'leader',
      industry: 'software',
      employees: '50-199',
      salesTeam: '1-5',
      region: 'emea',
      motion: 'field',
      instrumentVersion: 2,
      population: 'benchmark',
      computedAt: new Date(),
    });
    const [score] = await db.select().from(scores);
    expect(score!.velocity).toBe(velocity);
    expect(score!.value).toBeNull();

    // Cascades as in SQLite: a participant's answers and scores go with it; a study's participants stay, unlinked.
    await db.delete(studies).where(eq(studies.id, study!.id));
    expect((await db.select().from(participants))[0]!.studyId).toBeNull();
    await db.delete(participants);
    expect(await db.select().from(answers)).toEqual([]);
    expect(await db.select().from(scores)).toEqual([]);
  });

  it('refuse what SQLite refuses: a duplicate unique value, a study whose consultant is deleted', async () => {
    await expect(db.insert(consultants).values({ email: 'a@example.com', passwordHash: 'y' })).rejects.toThrow();
    const [c] = await db.insert(consultants).values({ email: 'b@example.com', passwordHash: 'y' }).returning();
    await db.insert(studies).values({ consultantId: c!.id, name: 'T', inviteToken: 't2' });
    await expect(db.delete(consultants).where(eq(consultants.id, c!.id))).rejects.toThrow();
  });
});
