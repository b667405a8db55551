import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pagesOf, type Page } from '../../src/domain/journey.ts';
import { COMPARE_DIMENSIONS, INDUSTRY_EMPLOYEES, type StatDimension } from '../../src/domain/peer-stats.ts';
import { createSyntheticGenerator } from '../../src/domain/synthetic.ts';
import { hashPassword } from '../../src/server/auth/password.ts';
import { signIn } from '../../src/server/auth/sign-in.ts';
import { accountKey, addressKey, SIGN_IN_LIMITS } from '../../src/server/auth/sign-in-limits.ts';
import { openPgStore } from '../../src/server/data/open.ts';
import { advisoryKey, transaction, type PgStore, type Store } from '../../src/server/data/store.ts';
import { countedNetworkLocks, participantLock, rateLock, signInLocks } from '../../src/server/lock-keys.ts';
import { enqueueMail } from '../../src/server/mail/outbox.ts';
import { insertConsultant } from '../../src/server/repositories/consultants.ts';
import { claimDue } from '../../src/server/repositories/outbox.ts';
import { findParticipant, loadAnswers, loadNumbers } from '../../src/server/repositories/participants.ts';
import { peerStatsTotal, storedStatsSource } from '../../src/server/repositories/peer-stats.ts';
import { insertAttempt } from '../../src/server/repositories/sign-in-attempts.ts';
import { insertStudy } from '../../src/server/repositories/studies.ts';
import { consultantFor } from '../../src/server/auth/sign-in.ts';
import { deleteParticipation, finishParticipation, savePage, startParticipation, type Invitation } from '../../src/server/services/participation.ts';
import { rebuildPeerStats } from '../../src/server/services/peer-stats.ts';
import { startRetake } from '../../src/server/services/retake.ts';
import { startNewWave } from '../../src/server/services/waves.ts';
import { instrument } from '../helpers/instrument.ts';
import { freshDatabase } from '../helpers/pg.ts';
import { rawSql, type RawSql } from '../helpers/test-store.ts';

/*
 * Two app servers on one PostgreSQL database: two Stores, each with a pool of
 * its own, on a fresh database, doing the same work at once. What a single
 * SQLite writer guaranteed must still hold: a participant finished once, every
 * answer kept, peer statistics equal to a rebuild, sign-in limits never passed,
 * a queued message claimed by one sender. And each hot path waits for the key
 * it names (src/server/lock-keys.ts), seen in pg_locks rather than timed.
 */

let a: PgStore;
let b: PgStore;
let raw: RawSql;

beforeEach(async () => {
  const url = await freshDatabase('two_instances');
  // Started together, as two servers would be: one migrates, the other finds it done.
  [a, b] = await Promise.all([openPgStore(url, { max: 8 }), openPgStore(url, { max: 8 })]);
  raw = rawSql(a);
});

afterEach(async () => {
  await Promise.all([a.pool.end(), b.pool.end()]);
});

const pages = pagesOf(instrument);
const NUMBERS_FORM = { opportunities: '40', dealValue: '25000', currency: 'USD', winRate: '25', cycleDays: '90' };
const synthetic = createSyntheticGenerator(instrument, 2026);

/** The form of one page for the given answers (the numbers page: fixed figures). */
function formOf(page: Page, answers: Record<string, string>): Record<string, string> {
  if (page.kind === 'numbers') return NUMBERS_FORM;
  return Object.fromEntries(page.section.items.map((i) => [i.id, answers[i.id]!]));
}

/** Starts synthetic participant `index` on `db` (open enrolment unless `invitation` is given). */
async function start(db: Store, index: number, invitation: Invitation | null = null) {
  const s = synthetic(index);
  const started = await startParticipation(db, instrument, s.profile, invitation);
  if (!started.ok) throw new Error(`participant ${index} was not started: ${started.refused}`);
  return { participant: started.participant, answers: s.answers };
}

/** Saves every page, each on one of the two servers in turn (as a load balancer would send them). */
async function answerEverything(stores: readonly Store[], p: Awaited<ReturnType<typeof start>>, offset = 0): Promise<void> {
  for (const page of pages) {
    const outcome = await savePage(stores[(page.number + offset) % stores.length]!, instrument, p.participant, page, formOf(page, p.answers), true);
    expect(outcome).toEqual({ saved: true });
  }
}

const DIMENSIONS: StatDimension[] = ['all', ...COMPARE_DIMENSIONS, INDUSTRY_EMPLOYEES];
const byText = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** Everything the stored peer statistics hold, in a fixed order, through the same reads the comparisons make. */
async function statistics(db: Store) {
  const source = await storedStatsSource(db);
  const out: unknown[] = [];
  for (const dimension of DIMENSIONS) {
    for (const [key, byMeasure] of [...source.points(dimension)].sort(([x], [y]) => byText(x, y))) {
      for (const [measure, points] of [...byMeasure].sort(([x], [y]) => byText(x, y))) {
        out.push({ dimension, key, measure, points, fine: points.map((p) => source.hundredthsIn(dimension, key, measure, p.bucket)) });
      }
      // Sums of floats added in another order differ in the last bits only.
      const items = source.itemSums(dimension, key).map((s) => ({ ...s, total: Math.round(s.total * 1e6) / 1e6 }));
      out.push({ dimension, key, items: items.sort((x, y) => byText(x.itemId, y.itemId) || x.bucket - y.bucket) });
    }
  }
  return out;
}

/** The kept statistics equal a rebuild from the stored scores, and count `participants`. */
async function expectStatisticsInStep(participants: number): Promise<void> {
  expect(await peerStatsTotal(a)).toBe(participants);
  const kept = await statistics(a);
  expect(kept.length).toBeGreaterThan(0);
  expect(await rebuildPeerStats(b, instrument)).toBe(participants);
  expect(await statistics(b)).toEqual(kept);
}

async function scoreRows(participantId: number): Promise<number> {
  return Number((await raw.get<{ n: number }>('SELECT count(*) AS n FROM scores WHERE participant_id = ?', participantId))!.n);
}

describe('two app servers on one database', () => {
  it('(a) the same participant finished from both at once is finished once: one score row, counted once in the statistics', async () => {
    const N = 8;
    const people = [];
    for (let i = 0; i < N; i++) {
      const p = await start(a, i);
      await answerEverything([a, b], p);
      people.push(p);
    }
    const first = new Date('2026-11-30T10:00:00Z');
    const second = new Date('2026-11-30T10:00:01Z');
    await Promise.all(
      people.map(async ({ participant }, i) => {
        // Each its own network, so each is the first to finish from it and counts (src/domain/population.ts).
        const source = { clientAddress: `10.${i}.0.1` };
        const outcomes = await Promise.all([
          finishParticipation(a, instrument, participant.id, first, source),
          finishParticipation(b, instrument, participant.id, second, source),
        ]);
        expect(outcomes).toEqual([{ finished: true }, { finished: true }]);
      }),
    );
    for (const { participant } of people) {
      expect(await scoreRows(participant.id)).toBe(1);
      const stored = (await findParticipant(b, participant.id))!;
      expect(stored.status).toBe('completed');
      const score = await raw.get<{ computed_at: Date; population: string }>('SELECT computed_at, population FROM scores WHERE participant_id = ?', participant.id);
      // One finish wrote both: the score's moment is the completion's.
      expect(new Date(score!.computed_at).getTime()).toBe(stored.completedAt!.getTime());
      expect(score!.population).toBe('benchmark');
    }
    await expectStatisticsInStep(N);
  });

  it('(b) 40 participants saving and finishing, spread over both: every answer stored, the statistics equal a rebuild', async () => {
    const N = 40;
    const NETWORKS = 10;
    const stores = [a, b];
    const done = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const p = await start(stores[i % 2]!, 100 + i);
        await answerEverything(stores, p, i);
        // Four participants per network: the first of each to finish counts, the others are unverified.
        const outcome = await finishParticipation(stores[(i + 1) % 2]!, instrument, p.participant.id, new Date(), { clientAddress: `198.51.${i % NETWORKS}.${i}` });
        expect(outcome).toEqual({ finished: true });
        return p;
      }),
    );
    for (const { participant, answers } of done) {
      expect(await loadAnswers(b, participant.id)).toEqual(answers);
      expect(await loadNumbers(a, participant.id)).toMatchObject({ opportunities: 40, dealValue: 25000, currency: 'USD', winRate: 25, cycleDays: 90 });
      expect(await scoreRows(participant.id)).toBe(1);
    }
    const populations = await raw.all<{ population: string; n: number }>('SELECT population, count(*) AS n FROM scores GROUP BY population ORDER BY population');
    expect(populations.map((r) => ({ population: r.population, n: Number(r.n) }))).toEqual([
      { population: 'benchmark', n: NETWORKS },
      { population: 'unverified', n: N - NETWORKS },
    ]);
    await expectStatisticsInStep(NETWORKS);
  });

  it('(c) sign-in attempts from both never pass the limits: per account and address, per address, and the account back-off', async () => {
    // The gate of password checks is one per process (auth/sign-in.ts hashGate: 10 places), shared here by both
    // servers: each round fits it, so every attempt is decided by the limits, none turned away as busy.
    const round = async (attempts: { db: Store; email: string; address: string }[], now: Date) =>
      Promise.all(attempts.map(({ db, email, address }) => signIn(db, email, 'wrong password', address, now)));
    const reasons = (results: Awaited<ReturnType<typeof round>>) => results.map((r) => (r.ok ? 'ok' : r.reason)).sort();

    // One account from one address: five attempts at most (perAccountAndAddress), however the ten arrive.
    const now = new Date('2026-11-30T12:00:00Z');
    const pair = Array.from({ length: 10 }, (_, i) => ({ db: i % 2 ? b : a, email: 'owner@example.com', address: '192.0.2.10' }));
    const max = SIGN_IN_LIMITS.perAccountAndAddress;
    expect(reasons(await round(pair, now))).toEqual([...Array(max).fill('invalid'), ...Array(10 - max).fill('throttled')]);
    expect(reasons(await round(pair, now))).toEqual(Array(10).fill('throttled'));

    // One address across thirty accounts: twenty at most (perAddress).
    const spread = Array.from({ length: 30 }, (_, i) => ({ db: i % 2 ? b : a, email: `user${i}@example.com`, address: '192.0.2.20' }));
    const results = [];
    for (let r = 0; r < 3; r++) results.push(...(await round(spread.slice(r * 10, r * 10 + 10), now)));
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(SIGN_IN_LIMITS.perAddress);
    const fromAddress = await raw.get<{ n: number }>('SELECT count(*) AS n FROM sign_in_attempts WHERE address = ?', addressKey('192.0.2.20'));
    expect(Number(fromAddress!.n)).toBe(SIGN_IN_LIMITS.perAddress);

    // The account back-off counts attempts from every address: with one failure short of it, two addresses that have
    // each failed once try at the same moment from both servers. The first to reserve makes the account's count reach
    // the back-off, and the second, whose own last failure is 100 ms old, must wait: one attempt, never two.
    const accounts = 5;
    const before = new Date(now.getTime() - 100);
    for (let k = 0; k < accounts; k++) {
      const account = accountKey(`target${k}@example.com`);
      for (let f = 0; f < SIGN_IN_LIMITS.accountBackOffAfter - 3; f++) await insertAttempt(a, account, `203.0.113.${f}`, before);
      await insertAttempt(a, account, '198.51.100.1', before);
      await insertAttempt(a, account, '198.51.100.2', before);
    }
    const race = await round(
      Array.from({ length: accounts }, (_, k) => [
        { db: a, email: `target${k}@example.com`, address: '198.51.100.1' },
        { db: b, email: `target${k}@example.com`, address: '198.51.100.2' },
      ]).flat(),
      now,
    );
    for (let k = 0; k < accounts; k++) expect(reasons(race.slice(2 * k, 2 * k + 2))).toEqual(['invalid', 'throttled']);
  });

  it('(c) a correct password on both servers at once signs in on both: two sessions, each valid on either server', async () => {
    const password = 'a long and unusual passphrase 4 tests';
    await insertConsultant(a, { email: 'consultant@example.com', passwordHash: await hashPassword(password) });
    const now = new Date();
    const [one, two] = await Promise.all([signIn(a, 'consultant@example.com', password, '192.0.2.30', now), signIn(b, 'Consultant@example.com', password, '192.0.2.31', now)]);
    if (!one.ok || !two.ok) throw new Error(`a sign-in failed: ${JSON.stringify([one, two])}`);
    expect((await consultantFor(b, one.token))?.email).toBe('consultant@example.com');
    expect((await consultantFor(a, two.token))?.email).toBe('consultant@example.com');
  });

  it('(d) the mail claim from both at once hands each message to one sender', async () => {
    const now = new Date('2026-11-30T12:00:00Z');
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) {
      expect(await enqueueMail(a, { kind: 'resume-link', dedupeKey: `two-instances:${i}`, to: `p${i}@example.com`, subject: `Message ${i}`, text: 'Hello' }, now)).toBe(true);
    }
    for (const r of await raw.all<{ id: number }>('SELECT id FROM mail_outbox ORDER BY id')) ids.push(Number(r.id));
    expect(ids).toHaveLength(30);
    const claimed: number[] = [];
    const options = { limit: 4, leaseMs: 60_000, maxAttempts: 5 };
    // Both senders claim in rounds until neither finds anything due; each claims with two workers at once.
    for (;;) {
      const got = await Promise.all([claimDue(a, now, options), claimDue(b, now, options), claimDue(a, now, options), claimDue(b, now, options)]);
      const round = got.flat().map((m) => m.id);
      if (round.length === 0) break;
      claimed.push(...round);
    }
    expect([...claimed].sort((x, y) => x - y)).toEqual(ids);
    const states = await raw.all<{ state: string; attempts: number }>('SELECT state, attempts FROM mail_outbox');
    expect(states.every((r) => r.state === 'sending' && Number(r.attempts) === 1)).toBe(true);
  });

  it('a retake pressed on both servers at once starts one retake', async () => {
    const { studyId, waveId, consultant } = await studyWithOneWave();
    const p = await start(a, 7, invitationOf(studyId, waveId));
    await answerEverything([a, b], p);
    expect(await finishParticipation(b, instrument, p.participant.id)).toEqual({ finished: true });
    expect((await startNewWave(a, consultant, studyId)).ok).toBe(true);
    const outcomes = await Promise.all([startRetake(a, instrument, p.participant.id), startRetake(b, instrument, p.participant.id)]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok && o.refused === 'already-started')).toHaveLength(1);
    const retakes = await raw.get<{ n: number }>('SELECT count(*) AS n FROM participants WHERE previous_id = ?', p.participant.id);
    expect(Number(retakes!.n)).toBe(1);
  });
});

async function studyWithOneWave() {
  const consultant = await insertConsultant(a, { email: 'study-owner@example.com', passwordHash: 'x' });
  const study = await insertStudy(a, consultant.id, 'Study', 'study-invite');
  const wave = await raw.get<{ id: number }>('SELECT id FROM study_waves WHERE study_id = ?', study.id);
  return { studyId: study.id, waveId: Number(wave!.id), consultant };
}

function invitationOf(studyId: number, waveId: number): Invitation {
  return { studyId, waveId, companyId: null, studyName: 'Study', companyName: null, stated: {} };
}

/*
 * The keys each hot path names: one server holds a key in a transaction of
 * its own while the other runs the path. The path must be seen waiting on
 * exactly that key (pg_locks), and finish once the key is let go.
 */

/** Whether some transaction of this database waits for the advisory lock of `key`. */
async function waitingOn(key: string): Promise<boolean> {
  const k = BigInt.asUintN(64, BigInt(advisoryKey(key)));
  // A bigint advisory key shows as its high half in classid, its low half in objid, with objsubid 1.
  const row = await raw.get<{ n: number }>(
    `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1
       AND classid::text = ? AND objid::text = ? AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    String(k >> 32n),
    String(k & 0xffffffffn),
  );
  return Number(row!.n) > 0;
}

/**
 * Holds `key` on server A while `path` runs on server B; returns whether the
 * path waited for it, and what it gave once let go. The key is let go
 * before anything is asserted.
 */
async function whileHolding<T>(key: string, path: () => Promise<T>): Promise<{ waited: boolean; result: T }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const holder = transaction(
    a,
    async () => {
      held();
      await released;
    },
    { behavior: 'immediate', locks: [key] },
  );
  await holding;
  let settled = false;
  const running = path().finally(() => (settled = true));
  let waited = false;
  try {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (settled) break;
      if (await waitingOn(key)) {
        waited = true;
        break;
      }
    }
  } finally {
    release();
  }
  await holder;
  return { waited, result: await running };
}

describe('the key each hot path waits for', () => {
  it('a page save and an autosave wait for the participant', async () => {
    const p = await start(a, 1);
    const page = pages[0]!;
    const save = await whileHolding(participantLock(p.participant.id), () => savePage(b, instrument, p.participant, page, formOf(page, p.answers), false));
    expect(save).toEqual({ waited: true, result: { saved: true } });
    // Another participant's key holds nothing of this one's.
    const other = await whileHolding(participantLock(p.participant.id + 1000), () => savePage(b, instrument, p.participant, page, formOf(page, p.answers), false));
    expect(other).toEqual({ waited: false, result: { saved: true } });
  });

  it('a finish waits for the participant, and an open-enrolment one for the counted-network place of its network', async () => {
    const p = await start(a, 2);
    await answerEverything([a, b], p);
    const [network] = countedNetworkLocks('203.0.113.5');
    expect(network).toBeDefined();
    // Another address of the same network: the same place.
    const byNetwork = await whileHolding(network!, () => finishParticipation(b, instrument, p.participant.id, new Date(), { clientAddress: '203.0.113.77' }));
    expect(byNetwork).toEqual({ waited: true, result: { finished: true } });
    const q = await start(a, 3);
    await answerEverything([a, b], q);
    const byParticipant = await whileHolding(participantLock(q.participant.id), () => finishParticipation(b, instrument, q.participant.id, new Date(), { clientAddress: '198.51.100.9' }));
    expect(byParticipant).toEqual({ waited: true, result: { finished: true } });
    // An invited participant takes no network place, so their finish does not queue behind the network's.
    const { studyId, waveId } = await studyWithOneWave();
    const invited = await start(a, 8, invitationOf(studyId, waveId));
    await answerEverything([a, b], invited);
    const notByNetwork = await whileHolding(network!, () => finishParticipation(b, instrument, invited.participant.id, new Date(), { clientAddress: '203.0.113.78' }));
    expect(notByNetwork).toEqual({ waited: false, result: { finished: true } });
  });

  it('a deletion waits for the participant', async () => {
    const p = await start(a, 4);
    const deleted = await whileHolding(participantLock(p.participant.id), () => deleteParticipation(b, p.participant));
    expect(deleted.waited).toBe(true);
    expect(await findParticipant(a, p.participant.id)).toBeUndefined();
  });

  it('a start waits for its client’s start window', async () => {
    const limit = { key: '192.0.2.40', max: 3, windowMs: 3_600_000 };
    const started = await whileHolding(rateLock('participant-start', limit.key), () => startParticipation(b, instrument, synthetic(5).profile, null, limit));
    expect(started.waited).toBe(true);
    expect(started.result.ok).toBe(true);
  });

  it('a retake waits for the earlier response', async () => {
    const { studyId, waveId, consultant } = await studyWithOneWave();
    const p = await start(a, 6, invitationOf(studyId, waveId));
    await answerEverything([a, b], p);
    expect(await finishParticipation(a, instrument, p.participant.id)).toEqual({ finished: true });
    expect((await startNewWave(a, consultant, studyId)).ok).toBe(true);
    const retake = await whileHolding(participantLock(p.participant.id), () => startRetake(b, instrument, p.participant.id));
    expect(retake.waited).toBe(true);
    expect(retake.result.ok).toBe(true);
  });

  it('a sign-in reservation waits for its account and for its address', async () => {
    const [account, address] = signInLocks(accountKey('Someone@Example.com'), addressKey('192.0.2.50'));
    const now = new Date();
    const byAccount = await whileHolding(account!, () => signIn(b, 'Someone@Example.com', 'wrong password', '192.0.2.50', now));
    expect(byAccount).toEqual({ waited: true, result: { ok: false, reason: 'invalid' } });
    const byAddress = await whileHolding(address!, () => signIn(b, 'someone-else@example.com', 'wrong password', '192.0.2.50', now));
    expect(byAddress).toEqual({ waited: true, result: { ok: false, reason: 'invalid' } });
  });
});
