import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as t from '../../db/pg/schema.ts';
import { optionsOf } from '../../src/domain/answers.ts';
import { openPgStore } from '../../src/server/data/open.ts';
import { transaction, type PgStore, type Store } from '../../src/server/data/store.ts';
import { peerStatsTotal } from '../../src/server/repositories/peer-stats.ts';
import { findScore, upsertScore } from '../../src/server/repositories/scores.ts';
import { heldPopulation, rebuildPeerStats, recordPeerStats } from '../../src/server/services/peer-stats.ts';
import { finishParticipant, scoreRow } from '../../src/server/services/scoring.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { scoreParticipant } from '../../src/domain/scoring.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { freshDatabase } from '../helpers/pg.ts';

/*
 * Stand-ins for repositories whose PostgreSQL versions another engineer is
 * writing: each calls the real function and only when that answers
 * NotOnPostgresError does the minimal query here. Once the real ones exist,
 * the stand-ins are never used and this test runs the real code throughout.
 */
const { standIn } = vi.hoisted(() => ({
  standIn:
    <A extends unknown[], R>(real: (db: Store, ...args: A) => Promise<R>, pg: (db: PgStore, ...args: A) => Promise<R>) =>
    async (db: Store, ...args: A): Promise<R> => {
      try {
        return await real(db, ...args);
      } catch (e) {
        // NotOnPostgresError (src/server/data/store.ts; not importable here: this runs before the imports).
        if (db.backend !== 'pg' || (e as Error)?.constructor?.name !== 'NotOnPostgresError') throw e;
        return pg(db, ...args);
      }
    },
}));

vi.mock(import('../../src/server/repositories/participants.ts'), async (importOriginal) => {
  const real = await importOriginal();
  return {
    ...real,
    findParticipant: standIn(real.findParticipant, async (db, id: number) => (await db.db.select().from(t.participants).where(eq(t.participants.id, id)))[0]),
    loadAnswers: standIn(real.loadAnswers, async (db, id: number) =>
      Object.fromEntries((await db.db.select().from(t.answers).where(eq(t.answers.participantId, id))).map((r) => [r.itemId, r.value])),
    ),
    markCompleted: standIn(real.markCompleted, async (db, id: number, at: Date) => {
      await db.db.update(t.participants).set({ status: 'completed', completedAt: at, updatedAt: at }).where(eq(t.participants.id, id));
    }),
  };
});

vi.mock(import('../../src/server/repositories/scores.ts'), async (importOriginal) => {
  const real = await importOriginal();
  return {
    ...real,
    findScore: standIn(real.findScore, async (db, id: number) => (await db.db.select().from(t.scores).where(eq(t.scores.participantId, id)))[0]),
    upsertScore: standIn(real.upsertScore, async (db, row: Parameters<typeof real.upsertScore>[1]) => {
      const values = row as typeof t.scores.$inferInsert;
      await db.db.insert(t.scores).values(values).onConflictDoUpdate({ target: t.scores.participantId, set: values });
    }),
  };
});

vi.mock(import('../../src/server/services/invitations.ts'), async (importOriginal) => {
  const real = await importOriginal();
  // These participants came through a company link, not an invitation: nothing of the invitations to update.
  return { ...real, recordCompleted: standIn(real.recordCompleted, async () => {}) };
});

/**
 * Two app servers (two pools on one database) finishing and deleting
 * participants at once: the statistics they keep must equal a rebuild from
 * the scores afterwards, through the switches of what the statistics hold
 * (demo data → the first benchmark score → back to demo data).
 */

let servers: [PgStore, PgStore];
/** Participants made for each step, by the step. */
let made: Record<'finish' | 'demo' | 'unknown' | 'rebuild', number[]>;

/** Both statistics tables, sorted; sums rounded (added in another order, floats differ in the last bits). */
async function dump(db: PgStore) {
  const counts = await db.pool.query('SELECT * FROM peer_score_counts ORDER BY dimension, key, measure, point');
  const sums = await db.pool.query('SELECT * FROM peer_item_sums ORDER BY dimension, key, item_id');
  return {
    counts: counts.rows,
    sums: sums.rows.map((r: { total: number[] }) => ({ ...r, total: r.total.map((x) => Math.round(x * 1e6) / 1e6) })),
  };
}

async function expectEqualToRebuild(db: PgStore) {
  const kept = await dump(db);
  await rebuildPeerStats(db, instrument);
  expect(kept).toEqual(await dump(db));
}

/** Varied answers, so that participants land on different points and hundredths. */
function answersFor(i: number): Record<string, string> {
  return completeAnswers(instrument, (item) => {
    if (item.kind === 'number') return undefined;
    const options = optionsOf(instrument, item);
    return options[(i * 7 + item.id.length * 3) % options.length]!.id;
  });
}

/**
 * A finish as it runs once the finish transaction names its participant's
 * key (beside other finishes, not alone): the score written, then the
 * statistics, in one transaction. `population` as the finish decided it
 * (demo: as the sample report's participant is scored).
 */
async function finishKeyed(db: PgStore, id: number, population: 'benchmark' | 'demo' = 'benchmark'): Promise<void> {
  const at = new Date('2026-02-01T10:00:00Z');
  await transaction(
    db,
    async (tx) => {
      const p = (await tx.db.select().from(t.participants).where(eq(t.participants.id, id)))[0]!;
      const answers = Object.fromEntries((await tx.db.select().from(t.answers).where(eq(t.answers.participantId, id))).map((r) => [r.itemId, r.value]));
      await upsertScore(tx, scoreRow(p, scoreParticipant(instrument, answers), at, population));
      await tx.db.update(t.participants).set({ status: 'completed', completedAt: at, updatedAt: at }).where(eq(t.participants.id, id));
      // Pauses as a busy server's finish has them, so that the finishes running at once reach the statistics together
      // and hold their locks a while.
      await tx.db.execute(sql`SELECT pg_sleep(0.02)`);
      await recordPeerStats(tx, (await findScore(tx, id))!, 1);
      await tx.db.execute(sql`SELECT pg_sleep(0.02)`);
    },
    { locks: [`participant:${id}`] },
  );
}

/** A deletion as services/participation.ts deleteParticipation does it, keyed to its participant: out of the statistics, then gone. */
async function deleteKeyed(db: PgStore, id: number): Promise<void> {
  await transaction(
    db,
    async (tx) => {
      const score = await findScore(tx, id);
      await tx.db.execute(sql`SELECT pg_sleep(0.02)`);
      if (score) await recordPeerStats(tx, score, -1);
      await tx.db.delete(t.participants).where(eq(t.participants.id, id));
    },
    { locks: [`participant:${id}`] },
  );
}

beforeAll(async () => {
  const url = await freshDatabase('peer_stats_two');
  // Two instances starting together: both migrate and check the statistics, once between them.
  servers = (await Promise.all([openPgStore(url, { max: 4 }), openPgStore(url, { max: 4 })])) as [PgStore, PgStore];
  const [a] = servers;
  await seedParticipants(a, instrument, { count: 120, seed: 9, now: new Date('2026-01-01T00:00:00Z') });
  const consultant = (await a.db.insert(t.consultants).values({ email: 'c@example.com', passwordHash: 'x' }).returning())[0]!;
  const study = (await a.db.insert(t.studies).values({ consultantId: consultant.id, name: 'Study', inviteToken: 'invite' }).returning())[0]!;
  const company = (await a.db.insert(t.companies).values({ studyId: study.id, name: 'Acme', inviteToken: 'acme' }).returning())[0]!;
  const industries = ['software-saas', 'manufacturing', 'it-services'];
  const bands = ['1-49', '50-249', '250-999'];
  let i = 0;
  const make = async (n: number) => {
    const ids: number[] = [];
    for (const end = i + n; i < end; i++) {
      const p = (
        await a.db
          .insert(t.participants)
          .values({
            studyId: study.id,
            companyId: company.id,
            role: i % 2 ? 'rep' : 'director',
            companyName: 'Acme',
            industry: industries[i % 3]!,
            employees: bands[i % 3 === 0 ? 0 : i % 2 ? 1 : 2]!,
            salesTeam: '6-20',
            region: i % 4 ? 'europe' : 'asia-pacific',
            motion: 'inside',
            instrumentId: instrument.id,
            instrumentVersion: instrument.version,
            resumeTokenHash: `hash-${i}`,
            updatedAt: new Date(),
          })
          .returning()
      )[0]!;
      await a.db.insert(t.answers).values(Object.entries(answersFor(i)).map(([itemId, value]) => ({ participantId: p.id, itemId, value })));
      ids.push(p.id);
    }
    return ids;
  };
  made = { finish: await make(40), demo: await make(12), unknown: await make(16), rebuild: await make(12) };
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.pool.end()));
});

const on = (i: number) => servers[i % 2]!;

describe('the peer statistics kept by two app servers at once', () => {
  it('started together, the two instances left the statistics in step (the demo data)', async () => {
    expect(await heldPopulation(servers[0], instrument.version)).toBe('demo');
    expect(await peerStatsTotal(servers[1])).toBe(120);
    await expectEqualToRebuild(servers[0]);
  });

  it('count every participant finished on either server, the first of them replacing the demo data, and no demo score finished meanwhile', async () => {
    // Half through the finish service (its transaction as it is), half keyed to their participant, all at once;
    // demo scores arriving at the same moment must not slip into the benchmark's statistics.
    // The keyed ones start first, so that the first benchmark score may come in beside other finishes.
    const keyed = made.finish.filter((_, i) => i % 4 >= 2);
    const service = made.finish.filter((_, i) => i % 4 < 2);
    await Promise.all([
      ...keyed.flatMap((id, i) => [finishKeyed(on(i), id), ...(i < made.demo.length ? [finishKeyed(on(i + 1), made.demo[i]!, 'demo')] : [])]),
      ...service.map((id, i) => finishParticipant(on(i), instrument, id, new Date('2026-02-01T10:00:00Z'))),
    ]);
    expect(await heldPopulation(servers[1], instrument.version)).toBe('benchmark');
    expect(await peerStatsTotal(servers[0])).toBe(made.finish.length);
    await expectEqualToRebuild(servers[1]);
  });

  it('take out every participant deleted on either server, the last of them bringing the demo data back', async () => {
    await Promise.all(made.finish.map((id, i) => deleteKeyed(on(i), id)));
    expect(await heldPopulation(servers[0], instrument.version)).toBe('demo');
    expect(await peerStatsTotal(servers[1])).toBe(120 + made.demo.length);
    await expectEqualToRebuild(servers[0]);
  });

  it('rebuild once and lose nobody when nothing says what they hold and several finish at once', async () => {
    await servers[0].pool.query("DELETE FROM settings WHERE key = 'peer-stats-hold'");
    await Promise.all(made.unknown.map((id, i) => finishKeyed(on(i), id)));
    expect(await heldPopulation(servers[0], instrument.version)).toBe('benchmark');
    expect(await peerStatsTotal(servers[1])).toBe(made.unknown.length);
    await expectEqualToRebuild(servers[1]);
  });

  it('stay exact when the statistics are rebuilt on both servers while participants finish', async () => {
    await Promise.all([...made.rebuild.map((id, i) => finishKeyed(on(i), id)), rebuildPeerStats(servers[0], instrument), rebuildPeerStats(servers[1], instrument)]);
    expect(await heldPopulation(servers[0], instrument.version)).toBe('benchmark');
    expect(await peerStatsTotal(servers[0])).toBe(made.unknown.length + made.rebuild.length);
    await expectEqualToRebuild(servers[1]);
  });
});
