import type { Db } from '../../../db/client.ts';
import type { Participant } from '../../../db/schema.ts';
import { aggregateCompany } from '../../domain/aggregation.ts';
import { SubIndexKeys, type Instrument, type SubIndexKey } from '../../domain/instrument.ts';
import { describePeerGroup, relativeFromCounts } from '../../domain/peers.ts';
import { choiceLabel, roleGroup } from '../../domain/profile.ts';
import { companyReportModel, personalReportModel, type CompanyReportModel, type PersonalReportModel, type SubIndexPeer } from '../../domain/report-model.ts';
import { scoreParticipant } from '../../domain/scoring.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { loadReportCopy } from '../report-copy-loader.ts';
import { completedOfCompany, loadAnswers, loadNumbers } from '../repositories/participants.ts';
import { countAtMost, findScore, velocityHistogram } from '../repositories/scores.ts';
import { groupQuartiles, peerPosition } from './peers.ts';

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The company report of a participant's company: aggregated over every
 * completed respondent of the company when it came through a company link,
 * otherwise the participant's own answers. `reader` false makes the
 * consultant's copy, without anyone's Personal Index on it.
 */
export function companyReportFor(
  db: Db,
  participant: Participant,
  minGroup: number,
  date = new Date(),
  options: { reader: boolean } = { reader: true },
): CompanyReportModel | null {
  const own = findScore(db, participant.id);
  if (!own) return null;
  const instrument: Instrument = loadInstrument(participant.instrumentId);
  const members = participant.companyId === null ? [participant] : completedOfCompany(db, participant.companyId);
  const scored = members.map((p) => ({ p, s: scoreParticipant(instrument, loadAnswers(db, p.id)) }));
  const aggregate = aggregateCompany(
    instrument,
    scored.map(({ p, s }) => ({ roleGroup: roleGroup(instrument, p.role), itemScores: s.itemScores })),
  );
  const mine = scored.find(({ p }) => p.id === participant.id)?.s ?? scoreParticipant(instrument, loadAnswers(db, participant.id));
  const velocity = aggregate.scores.velocity ?? own.velocity;
  const position = peerPosition(
    db,
    { participantId: participant.id, companyId: participant.companyId, velocity, instrumentVersion: own.instrumentVersion, industry: participant.industry, employees: participant.employees },
    minGroup,
  );
  const peer = position && {
    label: describePeerGroup(position.group, (dim, value) => choiceLabel(instrument, dim, value)),
    size: position.group.size,
    relative: position.relative,
    histogram: velocityHistogram(db, position.where, participant.id),
    subIndices: Object.fromEntries(
      SubIndexKeys.map((k): [SubIndexKey, SubIndexPeer] => {
        const score = aggregate.scores[k];
        const counts = score === null ? null : countAtMost(db, k, position.where, score, participant.id);
        const q = groupQuartiles(db, position.where, minGroup, k, participant.id);
        return [k, { relative: counts && counts.size >= minGroup ? relativeFromCounts(counts.notBetter, counts.size) : null, quartiles: q && { q1: q.q1, median: q.median, q3: q.q3 } }];
      }),
    ) as Record<SubIndexKey, SubIndexPeer>,
  };
  return companyReportModel({
    instrument,
    copy: loadReportCopy(),
    company: participant.companyName,
    date: isoDate(date),
    respondents: members.length,
    itemScores: aggregate.itemScores,
    scores: aggregate.scores,
    reader: options.reader ? mine.personal : null,
    peer,
    minGroup,
    numbers: loadNumbers(db, participant.id),
    aggregate: members.length >= 2 ? aggregate : null,
  });
}

/** The personal report: placed among individuals of the same role when there are enough of them, else everyone. */
export function personalReportFor(db: Db, participant: Participant, minGroup: number, date = new Date()): PersonalReportModel | null {
  const own = findScore(db, participant.id);
  if (!own) return null;
  const instrument = loadInstrument(participant.instrumentId);
  const s = scoreParticipant(instrument, loadAnswers(db, participant.id));
  const roleLabel = choiceLabel(instrument, 'role', participant.role);
  let position: PersonalReportModel['position'] = null;
  if (s.personal.personal !== null) {
    for (const [where, label] of [
      [{ instrumentVersion: own.instrumentVersion, role: participant.role }, `people in your role (${roleLabel})`],
      [{ instrumentVersion: own.instrumentVersion }, 'all participants'],
    ] as const) {
      const c = countAtMost(db, 'personal', where, s.personal.personal, participant.id);
      if (c.size >= minGroup) {
        position = { label, size: c.size, relative: relativeFromCounts(c.notBetter, c.size)! };
        break;
      }
    }
  }
  return personalReportModel({
    instrument,
    copy: loadReportCopy(),
    company: participant.companyName,
    date: isoDate(date),
    roleLabel,
    itemScores: s.itemScores,
    scores: s.personal,
    position,
    minGroup,
  });
}
