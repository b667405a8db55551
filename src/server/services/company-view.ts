import type { Db } from '../../../db/client.ts';
import type { Participant } from '../../../db/schema.ts';
import { aggregateCompany, type CompanyAggregate } from '../../domain/aggregation.ts';
import { contributorsStillNeeded, mayShow } from '../../domain/anonymity.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { roleGroup } from '../../domain/profile.ts';
import { scoreParticipant, type ParticipantScores } from '../../domain/scoring.ts';
import { completedOfCompany, loadAnswers } from '../repositories/participants.ts';

/**
 * A company's figures as one reader may see them. A company has one company
 * score — the aggregate of all its respondents on the same instrument
 * version — shown only once the anonymity rule allows it for this reader;
 * until then each respondent sees their own view only.
 */
export interface CompanyView {
  /** Completed respondents of the company on this instrument version (1 for a participant without a company link). */
  respondents: number;
  /** The company's aggregate, or null while the reader may not see it. */
  aggregate: CompanyAggregate | null;
  /** More respondents needed before the company figures may be shown to this reader; 0 once shown. */
  needed: number;
}

/**
 * The company view of a participant's company. `reader` is the participant
 * reading it (their own data is left out when counting), or null for the
 * consultant's copy.
 */
export function companyView(db: Db, instrument: Instrument, companyId: number | null, reader: Participant | null, minGroup: number): CompanyView {
  const members = companyId === null ? (reader ? [reader] : []) : completedOfCompany(db, companyId).filter((p) => p.instrumentVersion === instrument.version);
  const contributors = { count: members.length, readerIncluded: reader !== null && members.some((p) => p.id === reader.id) };
  if (!mayShow(contributors, minGroup)) return { respondents: members.length, aggregate: null, needed: contributorsStillNeeded(contributors, minGroup) };
  const scored = members.map((p) => ({ roleGroup: roleGroup(instrument, p.role), itemScores: ownScores(db, instrument, p).itemScores }));
  const readerRoleGroup = reader && contributors.readerIncluded ? roleGroup(instrument, reader.role) : null;
  return { respondents: members.length, aggregate: aggregateCompany(instrument, scored, { minGroup, readerRoleGroup }), needed: 0 };
}

export function ownScores(db: Db, instrument: Instrument, participant: Participant): ParticipantScores {
  return scoreParticipant(instrument, loadAnswers(db, participant.id));
}

/** A company of a study as the consultant's study page shows it: progress, and the company's figures once there are enough respondents. */
export interface StudyCompanyRow {
  id: number;
  name: string;
  started: number;
  completed: number;
  view: CompanyView;
}

export function studyCompanies(
  db: Db,
  instrument: Instrument,
  companies: readonly { id: number; name: string }[],
  people: readonly { companyId: number | null; status: string }[],
  minGroup: number,
): StudyCompanyRow[] {
  return companies.map((c) => {
    const own = people.filter((p) => p.companyId === c.id);
    return {
      id: c.id,
      name: c.name,
      started: own.length,
      completed: own.filter((p) => p.status === 'completed').length,
      view: companyView(db, instrument, c.id, null, minGroup),
    };
  });
}
