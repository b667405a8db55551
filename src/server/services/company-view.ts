import type { Participant } from '../../../db/schema.ts';
import { aggregateCompany, type CompanyAggregate } from '../../domain/aggregation.ts';
import { floorAfterDeletion, mayShow, publishedMembers } from '../../domain/anonymity.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { roleGroup } from '../../domain/profile.ts';
import { scoreParticipant, type ParticipantScores } from '../../domain/scoring.ts';
import type { Store } from '../data/store.ts';
import { completedCountsOfStudy, completedWithFloorsOfStudy, raiseReleaseFloor, releaseFloorOf, studyIdOfCompany } from '../repositories/company-figures.ts';
import { completedOfCompany, loadAnswers } from '../repositories/participants.ts';
import { latestWaveOf } from '../repositories/studies.ts';

/**
 * A company's figures as one reader may see them. A company has one company
 * score — the aggregate of its respondents on the same instrument version —
 * the same for every reader. It combines the first respondents in the order
 * they finished, growing in steps of k (publishedMembers), so that nobody
 * learns a colleague's answers from it, even by reloading after each finish;
 * until there are k + 1, each respondent sees their own view only.
 */
export interface CompanyView {
  /** Completed respondents of the company on this instrument version (1 for a participant without a company link). */
  respondents: number;
  /** The respondents the company figures combine, in the order they finished; empty while none may be shown. */
  published: Participant[];
  /** The company's aggregate over `published`, or null while it may not be shown. */
  aggregate: CompanyAggregate | null;
  /** More respondents needed before the company figures appear, or before they next update once shown. */
  needed: number;
}

/**
 * The company view of a participant's company in one wave of its study. `reader` is the participant
 * reading it (their own data is left out when counting; their wave is the one shown), or null for the
 * consultant's copy of `waveId` (undefined: the study's latest wave).
 */
export async function companyView(
  db: Store,
  instrument: Instrument,
  companyId: number | null,
  reader: Participant | null,
  minGroup: number,
  waveId?: number | null,
): Promise<CompanyView> {
  const { members, published, needed } = await publishedRespondents(db, instrument, companyId, reader, minGroup, waveId);
  const readerIncluded = reader !== null && published.some((p) => p.id === reader.id);
  if (published.length === 0 || !mayShow({ count: published.length, readerIncluded }, minGroup)) return { respondents: members.length, published: [], aggregate: null, needed };
  const scored: { roleGroup: ReturnType<typeof roleGroup>; itemScores: ParticipantScores['itemScores'] }[] = [];
  for (const p of published) scored.push({ roleGroup: roleGroup(instrument, p.role), itemScores: (await ownScores(db, instrument, p)).itemScores });
  const readerRoleGroup = reader && readerIncluded ? roleGroup(instrument, reader.role) : null;
  return { respondents: members.length, published, aggregate: aggregateCompany(instrument, scored, { minGroup, readerRoleGroup }), needed };
}

/**
 * Who a company's figures combine, without scoring anyone: its completed
 * respondents in one wave on this instrument version in the order they
 * finished, the first of them that publishedMembers allows, and how many
 * more are needed before the figures appear or next update. Each wave is a
 * company figure of its own: a retake is a new response, never mixed with
 * the one before.
 */
async function publishedRespondents(db: Store, instrument: Instrument, companyId: number | null, reader: Participant | null, minGroup: number, waveId?: number | null) {
  const wave = reader ? reader.waveId : waveId === undefined ? await latestWaveOfCompany(db, companyId) : waveId;
  const members = (companyId === null ? (reader ? [reader] : []) : await completedOfCompany(db, companyId))
    .filter((p) => p.instrumentVersion === instrument.version && (wave === null || p.waveId === wave))
    .sort(byFinish);
  const floor = companyId === null ? 0 : await releaseFloorOf(db, companyId);
  const size = publishedMembers(members.length, minGroup, floor);
  const nextStep = size === 0 ? Math.max(minGroup + 1, floor) : size + minGroup;
  return { members, published: members.slice(0, size), needed: nextStep - members.length };
}

/** The latest wave of the company's study; null for a company outside any study (its respondents are one group). */
async function latestWaveOfCompany(db: Store, companyId: number | null): Promise<number | null> {
  if (companyId === null) return null;
  const studyId = await studyIdOfCompany(db, companyId);
  return studyId === null ? null : ((await latestWaveOf(db, studyId))?.id ?? null);
}

/** The order a company's figures take their respondents in: by finishing time, then id (the exports follow it). */
function byFinish(a: { completedAt: Date | null; id: number }, b: { completedAt: Date | null; id: number }): number {
  return (a.completedAt?.getTime() ?? 0) - (b.completedAt?.getTime() ?? 0) || a.id - b.id;
}

/**
 * Before a respondent's answers are deleted (inside the deleting
 * transaction): when they are in the company's published figures, the
 * company's figures stay away until k + 1 more respondents have joined the
 * ones who stay (floorAfterDeletion), so the figures before and after never
 * differ by the deleted person against one newcomer.
 */
export async function holdCompanyFiguresBeforeDeletion(db: Store, instrument: Instrument, participant: Participant, minGroup: number): Promise<void> {
  if (participant.companyId === null || participant.status !== 'completed') return;
  // Membership is all it needs: nobody's answers are scored here.
  const { published } = await publishedRespondents(db, instrument, participant.companyId, null, minGroup, participant.waveId);
  if (!published.some((p) => p.id === participant.id)) return;
  const floor = floorAfterDeletion(published.length, minGroup);
  await raiseReleaseFloor(db, participant.companyId, floor);
}

export async function ownScores(db: Store, instrument: Instrument, participant: Participant): Promise<ParticipantScores> {
  return scoreParticipant(instrument, await loadAnswers(db, participant.id));
}

/** A company of a study as the consultant's study page shows it: progress, and the company's figures once there are enough respondents. */
export interface StudyCompanyRow {
  id: number;
  name: string;
  started: number;
  completed: number;
  view: CompanyView;
}

export async function studyCompanies(
  db: Store,
  instrument: Instrument,
  companies: readonly { id: number; name: string }[],
  people: readonly { companyId: number | null; status: string }[],
  minGroup: number,
): Promise<StudyCompanyRow[]> {
  const rows: StudyCompanyRow[] = [];
  for (const c of companies) {
    const own = people.filter((p) => p.companyId === c.id);
    rows.push({
      id: c.id,
      name: c.name,
      started: own.length,
      completed: own.filter((p) => p.status === 'completed').length,
      view: await companyView(db, instrument, c.id, null, minGroup),
    });
  }
  return rows;
}

/**
 * Whose completed responses a study's comparison may count: those of a
 * company (or of the study's participants without one) with at least k + 1
 * completed in that wave, the threshold of the company's own figures, so a
 * group below it is never part of a comparison figure.
 */
export async function rowsThatMayBeCompared(db: Store, studyId: number, minGroup: number): Promise<(p: { companyId: number | null; waveId: number | null }) => boolean> {
  const completed = new Map<string, number>();
  const rows = await completedCountsOfStudy(db, studyId);
  const key = (p: { companyId: number | null; waveId: number | null }) => `${p.companyId}:${p.waveId}`;
  for (const r of rows) completed.set(key(r), r.n);
  return (p) => publishedMembers(completed.get(key(p)) ?? 0, minGroup) > 0;
}

/**
 * Whose rows a study's exports may carry with their scores,
 * answers and profile: exactly the respondents the company's own figures
 * combine in their wave (the first to finish, in steps of k, after any
 * deletion's release floor: publishedMembers), and for the study's
 * participants without a company link the same rule over them together.
 * Nobody still answering, nobody beyond the published steps: a row that
 * appeared with one more finish would be that person's.
 */
export async function rowsThatMayBeGiven(db: Store, studyId: number, minGroup: number): Promise<(p: { id: number }) => boolean> {
  const rows = await completedWithFloorsOfStudy(db, studyId);
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const key = `${r.companyId}:${r.waveId}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const given = new Set<number>();
  for (const members of groups.values()) {
    members.sort(byFinish);
    const size = publishedMembers(members.length, minGroup, members[0]!.floor ?? 0);
    for (const m of members.slice(0, size)) given.add(m.id);
  }
  return (p) => given.has(p.id);
}
