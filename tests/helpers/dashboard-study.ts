import { randomBytes } from 'node:crypto';
import type { SqliteStore as Store } from '../../src/server/data/store.ts';
import { insertCompany, insertStudy, insertWave } from '../../src/server/repositories/studies.ts';
import { rebuildPeerStats } from '../../src/server/services/peer-stats.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { countSeededAsBenchmark } from './benchmark-rows.ts';
import { instrument } from './instrument.ts';

const DAY = 86_400_000;

export interface DashboardFixture {
  studyId: number;
  companies: Record<string, number>;
  /** A second study with two rounds: Aurora Freight reaches k + 1 in round 1 only. */
  roundsStudyId: number;
}

/**
 * A realistic study for the dashboard (k = 5): companies past k + 1 and
 * below it, some people still answering, some invited by e-mail, a few
 * through the study link, completions spread over the round's days; and a
 * second study with two rounds. Seeded participants stand in for real ones.
 */
export async function buildDashboardStudy(db: Store, consultantId: number, now = new Date()): Promise<DashboardFixture> {
  const start = new Date(now.getTime() - 10 * DAY);
  await seedParticipants(db, instrument, { count: 240, seed: 31, now: new Date(start.getTime() - DAY) });
  const study = await insertStudy(db, consultantId, 'Nordics sales benchmark 2027', `dash-${randomBytes(8).toString('hex')}`);
  const plan: [string, number, number][] = [
    // name, completed, still answering
    ['Boreal Software', 13, 2],
    ['Aurora Freight', 8, 1],
    ['Dalarna Industrial', 6, 0],
    ['Copperleaf Health', 3, 1],
    ['Eastfjord Energy', 0, 0],
  ];
  const companies: Record<string, number> = {};
  let next = 1;
  // The fixture's own moves, straight on the SQLite connection (nothing else uses it while a test builds this).
  const sql = db.db.$client;
  const move = sql.prepare('UPDATE participants SET study_id = ?, company_id = ?, company_name = ?, completed_at = ? WHERE id = ?');
  const unfinish = sql.prepare("UPDATE participants SET status = 'in_progress', completed_at = NULL WHERE id = ?");
  const unscore = sql.prepare('DELETE FROM scores WHERE participant_id = ?');
  const when = (i: number) => start.getTime() + ((i * 7) % 9) * DAY + 3_600_000 * (9 + (i % 8));
  for (const [name, done, answering] of plan) {
    const company = await insertCompany(db, study.id, name, `dash-${randomBytes(8).toString('hex')}`);
    companies[name] = company.id;
    for (let i = 0; i < done + answering; i++) {
      const id = next++;
      move.run(study.id, company.id, name, when(id), id);
      if (i >= done) {
        unfinish.run(id);
        unscore.run(id);
      }
    }
  }
  // Two through the study link, without a company.
  for (let i = 0; i < 2; i++) {
    const id = next++;
    move.run(study.id, null, 'Independent', when(id), id);
  }
  // E-mail invitations for two companies.
  const wave = sql.prepare('SELECT id FROM study_waves WHERE study_id = ?').get(study.id) as { id: number };
  const invite = sql.prepare('INSERT INTO invitations (study_id, wave_id, company_id, email_hash, token_hash, queued_at) VALUES (?, ?, ?, ?, ?, ?)');
  for (const [name, n] of [['Boreal Software', 18], ['Aurora Freight', 10]] as const) {
    for (let i = 0; i < n; i++) invite.run(study.id, wave.id, companies[name], randomBytes(16).toString('hex'), randomBytes(16).toString('hex'), start.getTime());
  }
  sql.prepare('UPDATE studies SET created_at = ? WHERE id = ?').run(start.getTime(), study.id);
  sql.prepare('UPDATE study_waves SET created_at = ? WHERE study_id = ?').run(start.getTime(), study.id);

  // The second study: round 1 has Aurora's six, round 2 only two so far.
  const rounds = await insertStudy(db, consultantId, 'Benelux 2026', `dash-${randomBytes(8).toString('hex')}`);
  const aurora = await insertCompany(db, rounds.id, 'Aurora Freight', `dash-${randomBytes(8).toString('hex')}`);
  for (let i = 0; i < 6; i++) {
    const id = next++;
    move.run(rounds.id, aurora.id, 'Aurora Freight', when(id), id);
  }
  sql.prepare('UPDATE study_waves SET created_at = ? WHERE study_id = ?').run(start.getTime() - 200 * DAY, rounds.id);
  sql.prepare('UPDATE studies SET created_at = ? WHERE id = ?').run(start.getTime() - 200 * DAY, rounds.id);
  sql.exec('UPDATE participants SET wave_id = (SELECT w.id FROM study_waves w WHERE w.study_id = participants.study_id AND w.number = 1) WHERE study_id IS NOT NULL');
  await insertWave(db, rounds.id, () => `dash-${randomBytes(8).toString('hex')}`);
  const round2 = sql.prepare('SELECT id FROM study_waves WHERE study_id = ? AND number = 2').get(rounds.id) as { id: number };
  for (let i = 0; i < 2; i++) {
    const id = next++;
    move.run(rounds.id, aurora.id, 'Aurora Freight', now.getTime() - DAY, id);
    sql.prepare('UPDATE participants SET wave_id = ? WHERE id = ?').run(round2.id, id);
  }
  sql.exec('UPDATE scores SET study_id = p.study_id, company_id = p.company_id FROM participants p WHERE p.id = scores.participant_id');
  await countSeededAsBenchmark(db);
  await rebuildPeerStats(db, instrument);
  return { studyId: study.id, companies, roundsStudyId: rounds.id };
}
