import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consultants, mailOutbox } from '../../db/schema.ts';
import * as pgSchema from '../../db/pg/schema.ts';
import { isoWeek } from '../../src/domain/weekly-summary.ts';
import { config } from '../../src/server/config.ts';
import { onSqlite, transaction, type Store } from '../../src/server/data/store.ts';
import { drainOnce } from '../../src/server/mail/outbox-worker.ts';
import { runScheduledJobs } from '../../src/server/mail/scheduler.ts';
import { queueWeeklySummaries } from '../../src/server/mail/summary.ts';
import { createMailTransport } from '../../src/server/mail/transport.ts';
import { insertConsultant, setWeeklySummary } from '../../src/server/repositories/consultants.ts';
import { insertCompany, insertStudy } from '../../src/server/repositories/studies.ts';
import { addParticipant } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { startSmtpSink } from './smtp-sink.ts';

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});

/** The outbox rows by id, typed and mapped by drizzle on either backend. */
async function outbox() {
  if (t.db.backend === 'pg') return t.db.db.select().from(pgSchema.mailOutbox).orderBy(pgSchema.mailOutbox.id);
  return t.db.db.select().from(mailOutbox).orderBy(mailOutbox.id).all();
}

async function consultantRows() {
  if (t.db.backend === 'pg') return t.db.db.select().from(pgSchema.consultants).orderBy(pgSchema.consultants.id);
  return t.db.db.select().from(consultants).orderBy(consultants.id).all();
}

/** Renames every consultant through `db`: inside a job, in the job's transaction. */
async function renameAll(db: Store, name: string): Promise<void> {
  if (db.backend === 'pg') await db.db.update(pgSchema.consultants).set({ name });
  else await onSqlite(db, (h) => h.update(consultants).set({ name }).run());
}
afterEach(() => t.cleanup());

const NOW = new Date('2031-03-06T08:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

async function consultant(email: string, weeklySummary: boolean) {
  const row = await insertConsultant(t.db, { email, name: 'Sam <Admin>', passwordHash: 'x' });
  await setWeeklySummary(t.db, row.id, weeklySummary);
  return { ...row, weeklySummary };
}

async function finished(studyId: number, companyId: number | null, at: Date) {
  return await addParticipant(t.db, { studyId, companyId, status: 'completed', completedAt: at });
}

describe('weekly summary job', () => {
  it('queues one summary per consultant and week, with progress and the companies that became visible', async () => {
    const k = config().PEER_MIN_GROUP;
    const on = await consultant('on@example.com', true);
    const off = await consultant('off@example.com', false);
    const study = await insertStudy(t.db, on.id, 'Q1 <b>review</b>', 'tok-q1');
    await insertStudy(t.db, off.id, 'Other study', 'tok-other');
    const acme = await insertCompany(t.db, study.id, 'Acme & Sons', 'tok-acme');
    const slow = await insertCompany(t.db, study.id, 'Slowco', 'tok-slow');
    // Acme: k finished before this week, the (k+1)th this week → its figures appeared.
    for (let i = 0; i < k; i++) await finished(study.id, acme.id, daysAgo(10));
    await finished(study.id, acme.id, daysAgo(2));
    await finished(study.id, slow.id, daysAgo(1));
    await addParticipant(t.db, { studyId: study.id, companyId: slow.id });

    expect(await runScheduledJobs(t.db, NOW)).toEqual([]);
    const rows = await outbox();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ kind: 'weekly-summary', dedupeKey: `summary:${on.id}:${isoWeek(NOW)}`, toAddress: 'on@example.com', consultantId: on.id });
    expect(row.subject).toBe('Your studies this week: 2 new responses, 1 company report ready');
    expect(row.textBody).toContain(`- Q1 <b>review</b>: Finished this week 2, Finished in all ${k + 2}, Started ${k + 3}, Invited –`);
    expect(row.textBody).toContain('- Acme & Sons (Q1 <b>review</b>)');
    expect(row.textBody).not.toContain('Slowco');
    expect(row.htmlBody).toContain('Q1 &lt;b&gt;review&lt;/b&gt;');
    expect(row.htmlBody).toContain('Hello Sam &lt;Admin&gt;,');
    expect(row.htmlBody).toContain(`/consultant/studies/${study.id}`);

    // Again the same day, and again six days later: nothing more.
    await runScheduledJobs(t.db, NOW);
    await runScheduledJobs(t.db, new Date(NOW.getTime() + 6 * 86_400_000));
    expect(await outbox()).toHaveLength(1);
    // A week later: the next one, quiet this time.
    await runScheduledJobs(t.db, new Date(NOW.getTime() + 7 * 86_400_000));
    const next = (await outbox()).find((r) => r.dedupeKey === `summary:${on.id}:${isoWeek(new Date(NOW.getTime() + 7 * 86_400_000))}`);
    expect(next?.subject).toBe('Your studies this week: no new responses');

    // And it goes out through SMTP like every other message.
    const sink = await startSmtpSink();
    const transport = createMailTransport({ smtpUrl: `smtp://127.0.0.1:${sink.port}`, from: 'Velocity Index <bench@example.com>' });
    try {
      expect(await drainOnce(t.db, { send: transport.send, now: () => new Date(NOW.getTime() + 8 * 86_400_000) })).toMatchObject({ sent: 2 });
      expect(sink.received.map((m) => m.to)).toEqual([['on@example.com'], ['on@example.com']]);
      expect(sink.received[0]!.raw).toMatch(/^Subject: Your studies this week: 2 new responses, 1 company report ready/m);
      expect(sink.received[0]!.raw).toContain('multipart/alternative');
    } finally {
      transport.close();
      await sink.close();
    }
  });

  it('sends nothing to a consultant without an open study, and waits a week before looking again', async () => {
    const c = await consultant('idle@example.com', true);
    await insertStudy(t.db, c.id, 'Closed one', 'tok-closed', 'closed');
    await runScheduledJobs(t.db, NOW);
    expect(await outbox()).toHaveLength(0);
    expect((await consultantRows()).find((r) => r.id === c.id)!.summaryQueuedAt).toEqual(NOW);
  });

  it('runs each job in its own transaction: a failing job rolls back alone', async () => {
    const c = await consultant('on@example.com', true);
    await insertStudy(t.db, c.id, 'Study', 'tok');
    const failed = await runScheduledJobs(
      t.db,
      NOW,
      [
        {
          name: 'broken',
          run: async (db) => {
            await renameAll(db, 'changed');
            throw new Error('boom');
          },
        },
        { name: 'weekly-summary', run: queueWeeklySummaries },
      ],
      () => undefined,
    );
    expect(failed).toEqual(['broken']);
    expect((await consultantRows())[0]!.name).toBe('Sam <Admin>');
    expect(await outbox()).toHaveLength(1);
    // A job that opens a transaction of its own runs as a savepoint inside the job's.
    const nested = async (db: Store) => {
      await transaction(
        db,
        async (tx) => {
          await renameAll(tx, 'Nested');
        },
        { behavior: 'immediate' },
      );
    };
    expect(await runScheduledJobs(t.db, NOW, [{ name: 'nested', run: nested }])).toEqual([]);
    expect((await consultantRows())[0]!.name).toBe('Nested');
  });
});
