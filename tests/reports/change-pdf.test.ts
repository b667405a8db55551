import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionsOf } from '../../src/domain/answers.ts';
import type { Item } from '../../src/domain/instrument.ts';
import { itemScore } from '../../src/domain/scoring.ts';
import { renderReport } from '../../src/reports/render.ts';
import { findParticipant, saveAnswers } from '../../src/server/repositories/participants.ts';
import { insertWave, wavesOf } from '../../src/server/repositories/studies.ts';
import { companyReportFor, personalReportFor } from '../../src/server/services/reports.ts';
import { startRetake } from '../../src/server/services/retake.ts';
import { finishParticipant } from '../../src/server/services/scoring.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { addParticipant, addStudyWithCompany } from '../helpers/participants.ts';
import { openTempDb, type TempDb } from '../helpers/temp-db.ts';

const K = 5;
let t: TempDb;
let studyId: number;
let companyId: number;
let n = 0;

function optionAt(item: Item, at: number): string {
  const sorted = [...optionsOf(instrument, item)].sort((a, b) => itemScore(instrument, item, a.id)! - itemScore(instrument, item, b.id)!);
  return sorted[Math.round(at * (sorted.length - 1))]!.id;
}

async function answer(participantId: number, level: number) {
  await saveAnswers(t.db, participantId, completeAnswers(instrument, (item) => (item.kind === 'number' ? undefined : optionAt(item, level))));
  await finishParticipant(t.db, instrument, participantId);
  return (await findParticipant(t.db, participantId))!;
}

async function respondent(level: number) {
  return await answer((await addParticipant(t.db, { companyName: 'Acme', studyId, companyId, role: n++ % 2 ? 'rep' : 'manager' })).id, level);
}

/** The PDF as text, laid out as printed. */
function textOf(pdf: Buffer, name: string): string {
  const file = join(t.path, '..', `${name}.pdf`);
  writeFileSync(file, pdf);
  return spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
}

let retaker: Awaited<ReturnType<typeof respondent>>;
beforeAll(async () => {
  t = openTempDb();
  ({ studyId, companyId } = await addStudyWithCompany(t.db));
  const first = await respondent(0.25);
  for (let i = 0; i < K; i++) await respondent(i % 2 ? 0 : 0.25);
  await insertWave(t.db, studyId, () => `round-2-${n++}`);
  const retake = await startRetake(t.db, instrument, first.id);
  if (!retake.ok) throw new Error(retake.refused);
  retaker = await answer(retake.participant.id, 1);
  for (let i = 0; i < K; i++) await respondent(i % 2 ? 0.75 : 1);
});
afterAll(() => t.cleanup());

describe('change since the last round in the PDFs', () => {
  it('the consultant’s company report of round 2 gives the change per factor with n for each round and the method', async () => {
    const model = (await companyReportFor(t.db, retaker, K, new Date('2026-06-01'), { reader: false }))!;
    expect(model.change?.rows.map((r) => r.label)).toEqual(['Velocity Index', 'Deal Value', 'Number of opportunities', 'Win Rate', 'Sales Cycle']);
    const text = textOf(await renderReport({ kind: 'company', model }), 'company-round-2');
    expect(text).toContain('Change since round 1');
    expect(text).toContain(`${K + 1} respondents in round 1, ${K + 1} in round 2.`);
    const velocity = model.change!.rows[0]!;
    expect(velocity.direction).toBe('up');
    expect(text).toMatch(new RegExp(`Velocity Index\\s+${velocity.before}\\s+${velocity.after}\\s+▲ up ${velocity.points} points`));
    expect(text).toContain('The two rounds side by side');
    // The method in the methodology: resampling, the number of draws and what within noise means.
    expect(text.replace(/\s+/g, ' ')).toMatch(/drawn again at random, with replacement, 2,000 times/);
    expect(text.replace(/\s+/g, ' ')).toContain('called within noise');
  });

  it('the round 1 copy has no change block: there is no round before it', async () => {
    const round1 = (await wavesOf(t.db, studyId))[0]!;
    const model = (await companyReportFor(t.db, retaker, K, new Date('2026-06-01'), { reader: false, waveId: round1.id }))!;
    expect(model.meta.respondents).toBe(K + 1);
    expect(model.change).toBeNull();
    expect(textOf(await renderReport({ kind: 'company', model }), 'company-round-1')).not.toContain('Change since round');
  });

  it('the personal report of a retake gives the person’s own change against their previous response', async () => {
    const model = (await personalReportFor(t.db, retaker, K, new Date('2026-06-01')))!;
    const text = textOf(await renderReport({ kind: 'personal', model }), 'personal-retake');
    expect(text).toContain('Change since round 1');
    expect(text).toContain('Your response in round 1 against this one in round 2.');
    expect(text).toMatch(/Velocity Index\s+\d+\s+\d+\s+▲ up \d+ points/);
    expect(text.replace(/\s+/g, ' ')).toContain('the questions behind each factor are drawn again at random');
  });
});
