import { randomBytes } from 'node:crypto';
import type { Store } from '../../src/server/data/store.ts';
import { insertCompany, insertStudy, insertWave } from '../../src/server/repositories/studies.ts';
import { rebuildPeerStats } from '../../src/server/services/peer-stats.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { countSeededAsBenchmark } from './benchmark-rows.ts';
import { instrument } from './instrument.ts';
import { rawSql } from './test-store.ts';

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
  // The fixture's own moves, in plain SQL on the store (nothing else uses it while a test builds this).
  const sql = rawSql(db);
  const move = (studyId: number, companyId: number | null, name: string, completedAt: number, id: number) =>
    sql.run('UPDATE participants SET study_id = ?, company_id = ?, company_name = ?, completed_at = ? WHERE id = ?', studyId, companyId, name, sql.at(completedAt), id);
  const unfinish = (id: number) => sql.run("UPDATE participants SET status = 'in_progress', completed_at = NULL WHERE id = ?", id);
  const unscore = (id: number) => sql.run('DELETE FROM scores WHERE participant_id = ?', id);
  const when = (i: number) => start.getTime() + ((i * 7) % 9) * DAY + 3_600_000 * (9 + (i % 8));
  for (const [name, done, answering] of plan) {
    const company = await insertCompany(db, study.id, name, `dash-${randomBytes(8).toString('hex')}`);
    companies[name] = company.id;
    for (let i = 0; i < done + answering; i++) {
      const id = next++;
      await move(study.id, company.id, name, when(id), id);
      if (i >= done) {
        await unfinish(id);
        await unscore(id);
      }
    }
  }
  // Two through the study link, without a company.
  for (let i = 0; i < 2; i++) {
    const id = next++;
    await move(study.id, null, 'Independent', when(id), id);
  }
  // E-mail invitations for two companies.
  const wave = (await sql.get<{ id: number }>('SELECT id FROM study_waves WHERE study_id = ?', study.id))!;
  for (const [name, n] of [['Boreal Software', 18], ['Aurora Freight', 10]] as const) {
    for (let i = 0; i < n; i++) {
      await sql.run(
        'INSERT INTO invitations (study_id, wave_id, company_id, email_hash, token_hash, queued_at) VALUES (?, ?, ?, ?, ?, ?)',
        study.id,
        wave.id,
        companies[name],
        randomBytes(16).toString('hex'),
        randomBytes(16).toString('hex'),
        sql.at(start.getTime()),
      );
    }
  }
  await sql.run('UPDATE studies SET created_at = ? WHERE id = ?', sql.at(start.getTime()), study.id);
  await sql.run('UPDATE study_waves SET created_at = ? WHERE study_id = ?', sql.at(start.getTime()), study.id);

  // The second study: round 1 has Aurora's six, round 2 only two so far.
  const rounds = await insertStudy(db, consultantId, 'Benelux 2026', `dash-${randomBytes(8).toString('hex')}`);
  const aurora = await insertCompany(db, rounds.id, 'Aurora Freight', `dash-${randomBytes(8).toString('hex')}`);
  for (let i = 0; i < 6; i++) {
    const id = next++;
    await move(rounds.id, aurora.id, 'Aurora Freight', when(id), id);
  }
  await sql.run('UPDATE study_waves SET created_at = ? WHERE study_id = ?', sql.at(start.getTime() - 200 * DAY), rounds.id);
  await sql.run('UPDATE studies SET created_at = ? WHERE id = ?', sql.at(start.getTime() - 200 * DAY), rounds.id);
  await sql.run('UPDATE participants SET wave_id = (SELECT w.id FROM study_waves w WHERE w.study_id = participants.study_id AND w.number = 1) WHERE study_id IS NOT NULL');
  await insertWave(db, rounds.id, () => `dash-${randomBytes(8).toString('hex')}`);
  const round2 = (await sql.get<{ id: number }>('SELECT id FROM study_waves WHERE study_id = ? AND number = 2', rounds.id))!;
  for (let i = 0; i < 2; i++) {
    const id = next++;
    await move(rounds.id, aurora.id, 'Aurora Freight', now.getTime() - DAY, id);
    await sql.run('UPDATE participants SET wave_id = ? WHERE id = ?', round2.id, id);
  }
  await sql.run('UPDATE scores SET study_id = p.study_id, company_id = p.company_id FROM participants p WHERE p.id = scores.participant_id');
  await countSeededAsBenchmark(db);
  await rebuildPeerStats(db, instrument);
  return { studyId: study.id, companies, roundsStudyId: rounds.id };
}
