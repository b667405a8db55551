import type { Participant, StudyWave } from '../../../db/schema.ts';
import type { Store } from '../data/store.ts';
import type { Instrument } from '../../domain/instrument.ts';
import type { ParticipantScores } from '../../domain/scoring.ts';
import { companyTrend, retakeTrend, type RoundComparison, type Trend } from '../../domain/trend.ts';
import { completedOfCompany, findParticipant } from '../repositories/participants.ts';
import { companiesOf, wavesOf } from '../repositories/studies.ts';
import { findWave } from '../repositories/wave-by-id.ts';
import { companyView, ownScores, type CompanyView } from './company-view.ts';

export type { RoundComparison };

/** The round just before `wave` in its study, if any. */
export async function roundBefore(db: Store, wave: StudyWave): Promise<StudyWave | undefined> {
  return (await wavesOf(db, wave.studyId))
    .filter((w) => w.number < wave.number)
    .at(-1);
}

/**
 * True when a round's completed respondents answered another version of the questionnaire only, and are
 * enough (k + 1) that their figures would have been shown: saying so about a smaller group would tell the
 * reader that a few people had answered.
 */
function onOtherVersionOnly(members: readonly Participant[], waveId: number, version: number, minGroup: number): boolean {
  const inWave = members.filter((p) => p.waveId === waveId);
  return inWave.length > minGroup && inWave.every((p) => p.instrumentVersion !== version);
}

/** The trend between two published company views; the item sets keep the bootstrap to what each figure was built from. */
async function trendOfViews(db: Store, instrument: Instrument, before: CompanyView, after: CompanyView): Promise<Trend> {
  const side = async (v: CompanyView) => {
    const respondents: ParticipantScores[] = [];
    for (const p of v.published) respondents.push(await ownScores(db, instrument, p));
    return { respondents, items: new Set(v.aggregate!.itemScores.keys()) };
  };
  const b = await side(before);
  return companyTrend(instrument, b, await side(after));
}

/**
 * A company's change from the round before `wave` to `wave`, for one reader:
 * only when the company's figures of both rounds may be shown to them under
 * the anonymity rule (null otherwise: no figure is derived for a smaller
 * group). `reader` is the participant reading, in `wave`; their own earlier
 * response, when they retook, reads the earlier round as they did then.
 * Null reader: the consultant's copy.
 */
export async function companyRoundChange(
  db: Store,
  instrument: Instrument,
  companyId: number,
  wave: StudyWave,
  reader: Participant | null,
  minGroup: number,
): Promise<RoundComparison | null> {
  const earlier = await roundBefore(db, wave);
  if (!earlier) return null;
  const rounds = { roundBefore: earlier.number, roundAfter: wave.number };
  const members = await completedOfCompany(db, companyId);
  if (onOtherVersionOnly(members, earlier.id, instrument.version, minGroup) || onOtherVersionOnly(members, wave.id, instrument.version, minGroup)) {
    return { status: 'questionnaire-changed', ...rounds };
  }
  const previous = reader?.previousId ? await findParticipant(db, reader.previousId) : undefined;
  const earlierReader = previous && previous.waveId === earlier.id && previous.companyId === companyId ? previous : null;
  const after = await companyView(db, instrument, companyId, reader, minGroup, wave.id);
  const before = await companyView(db, instrument, companyId, earlierReader, minGroup, earlier.id);
  if (!after.aggregate || !before.aggregate) return null;
  return { status: 'compared', ...rounds, trend: await trendOfViews(db, instrument, before, after) };
}

/**
 * The reader's company's change since the round before theirs, as their
 * results and company report show it; null without a company, a study
 * round before theirs, or figures the reader may see on both sides.
 */
export async function readerCompanyChange(db: Store, instrument: Instrument, participant: Participant, minGroup: number): Promise<RoundComparison | null> {
  if (participant.companyId === null) return null;
  const wave = await findWave(db, participant.waveId);
  return wave ? companyRoundChange(db, instrument, participant.companyId, wave, participant, minGroup) : null;
}

/**
 * A retake's change against the same person's previous response (their own
 * answers on both sides, so no anonymity question arises); null for a
 * response that is not a finished retake of a finished one.
 */
export async function ownRetakeChange(db: Store, instrument: Instrument, participant: Participant): Promise<RoundComparison | null> {
  if (participant.previousId === null || participant.status !== 'completed') return null;
  const previous = await findParticipant(db, participant.previousId);
  if (!previous || previous.status !== 'completed') return null;
  const rounds = { roundBefore: (await findWave(db, previous.waveId))?.number ?? 1, roundAfter: (await findWave(db, participant.waveId))?.number ?? 2 };
  if (previous.instrumentVersion !== participant.instrumentVersion || participant.instrumentVersion !== instrument.version) {
    return { status: 'questionnaire-changed', ...rounds };
  }
  const before = (await ownScores(db, instrument, previous)).itemScores;
  const trend = retakeTrend(instrument, before, (await ownScores(db, instrument, participant)).itemScores);
  return { status: 'compared', ...rounds, trend };
}

/** One company's line on the consultant's dashboard. */
export interface CompanyTrendRow {
  companyId: number;
  name: string;
  /** The change from the round before the study's latest to the latest; null while either round's figures may not be shown. */
  change: RoundComparison | null;
}

/**
 * The study's change since its last round, per company, for the consultant's
 * dashboard: each company's latest round against the one before, the
 * company figures of both published under the anonymity rule (k + 1
 * respondents each on this questionnaire version), otherwise null. A study
 * with one round gives null for every company.
 */
export async function studyTrend(db: Store, instrument: Instrument, studyId: number, minGroup: number): Promise<CompanyTrendRow[]> {
  const latest = (await wavesOf(db, studyId)).at(-1);
  const rows: CompanyTrendRow[] = [];
  for (const c of await companiesOf(db, studyId)) {
    rows.push({
      companyId: c.id,
      name: c.name,
      change: latest ? await companyRoundChange(db, instrument, c.id, latest, null, minGroup) : null,
    });
  }
  return rows;
}
