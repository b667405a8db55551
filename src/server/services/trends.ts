import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { studyWaves, type Participant, type StudyWave } from '../../../db/schema.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { companyTrend, retakeTrend, type RoundComparison, type Trend } from '../../domain/trend.ts';
import { completedOfCompany, findParticipant } from '../repositories/participants.ts';
import { companiesOf, wavesOf } from '../repositories/studies.ts';
import { companyView, ownScores, type CompanyView } from './company-view.ts';

export type { RoundComparison };

function waveById(db: Db, waveId: number | null): StudyWave | undefined {
  return waveId === null ? undefined : db.select().from(studyWaves).where(eq(studyWaves.id, waveId)).get();
}

/** The round just before `wave` in its study, if any. */
export function roundBefore(db: Db, wave: StudyWave): StudyWave | undefined {
  return wavesOf(db, wave.studyId)
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
function trendOfViews(db: Db, instrument: Instrument, before: CompanyView, after: CompanyView): Trend {
  const side = (v: CompanyView) => ({ respondents: v.published.map((p) => ownScores(db, instrument, p)), items: new Set(v.aggregate!.itemScores.keys()) });
  return companyTrend(instrument, side(before), side(after));
}

/**
 * A company's change from the round before `wave` to `wave`, for one reader:
 * only when the company's figures of both rounds may be shown to them under
 * the anonymity rule (null otherwise: no figure is derived for a smaller
 * group). `reader` is the participant reading, in `wave`; their own earlier
 * response, when they retook, reads the earlier round as they did then.
 * Null reader: the consultant's copy.
 */
export function companyRoundChange(
  db: Db,
  instrument: Instrument,
  companyId: number,
  wave: StudyWave,
  reader: Participant | null,
  minGroup: number,
): RoundComparison | null {
  const earlier = roundBefore(db, wave);
  if (!earlier) return null;
  const rounds = { roundBefore: earlier.number, roundAfter: wave.number };
  const members = completedOfCompany(db, companyId);
  if (onOtherVersionOnly(members, earlier.id, instrument.version, minGroup) || onOtherVersionOnly(members, wave.id, instrument.version, minGroup)) {
    return { status: 'questionnaire-changed', ...rounds };
  }
  const previous = reader?.previousId ? findParticipant(db, reader.previousId) : undefined;
  const earlierReader = previous && previous.waveId === earlier.id && previous.companyId === companyId ? previous : null;
  const after = companyView(db, instrument, companyId, reader, minGroup, wave.id);
  const before = companyView(db, instrument, companyId, earlierReader, minGroup, earlier.id);
  if (!after.aggregate || !before.aggregate) return null;
  return { status: 'compared', ...rounds, trend: trendOfViews(db, instrument, before, after) };
}

/**
 * The reader's company's change since the round before theirs, as their
 * results and company report show it; null without a company, a study
 * round before theirs, or figures the reader may see on both sides.
 */
export function readerCompanyChange(db: Db, instrument: Instrument, participant: Participant, minGroup: number): RoundComparison | null {
  if (participant.companyId === null) return null;
  const wave = waveById(db, participant.waveId);
  return wave ? companyRoundChange(db, instrument, participant.companyId, wave, participant, minGroup) : null;
}

/**
 * A retake's change against the same person's previous response (their own
 * answers on both sides, so no anonymity question arises); null for a
 * response that is not a finished retake of a finished one.
 */
export function ownRetakeChange(db: Db, instrument: Instrument, participant: Participant): RoundComparison | null {
  if (participant.previousId === null || participant.status !== 'completed') return null;
  const previous = findParticipant(db, participant.previousId);
  if (!previous || previous.status !== 'completed') return null;
  const rounds = { roundBefore: waveById(db, previous.waveId)?.number ?? 1, roundAfter: waveById(db, participant.waveId)?.number ?? 2 };
  if (previous.instrumentVersion !== participant.instrumentVersion || participant.instrumentVersion !== instrument.version) {
    return { status: 'questionnaire-changed', ...rounds };
  }
  const trend = retakeTrend(instrument, ownScores(db, instrument, previous).itemScores, ownScores(db, instrument, participant).itemScores);
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
export function studyTrend(db: Db, instrument: Instrument, studyId: number, minGroup: number): CompanyTrendRow[] {
  const latest = wavesOf(db, studyId).at(-1);
  return companiesOf(db, studyId).map((c) => ({
    companyId: c.id,
    name: c.name,
    change: latest ? companyRoundChange(db, instrument, c.id, latest, null, minGroup) : null,
  }));
}
