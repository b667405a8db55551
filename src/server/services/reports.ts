import type { Participant } from '../../../db/schema.ts';
import type { Store } from '../data/store.ts';
import { mayShow, quantileMinimum } from '../../domain/anonymity.ts';
import { combineCompanyNumbers, type Respondent } from '../../domain/company-numbers.ts';
import { SubIndexKeys, type Instrument, type SubIndexKey } from '../../domain/instrument.ts';
import { describePeerGroup, relativeFromCounts } from '../../domain/peers.ts';
import { comparedWith } from '../../domain/population.ts';
import { choiceLabel, roleGroup } from '../../domain/profile.ts';
import { companyReportModel, personalReportModel, type CompanyReportModel, type PersonalReportModel, type SubIndexPeer } from '../../domain/report-model.ts';
import { scoreParticipant } from '../../domain/scoring.ts';
import { loadInstrument } from '../instrument-loader.ts';
import { loadReportCopy } from '../report-copy-loader.ts';
import { loadAnswers, loadNumbers } from '../repositories/participants.ts';
import { countAtMost, findScore } from '../repositories/scores.ts';
import { companyView } from './company-view.ts';
import { peerPosition, publishedQuartiles } from './peers.ts';
import { reportBrand } from './study-brand.ts';
import { studyName } from '../repositories/studies.ts';
import type { NumberStyle } from '../../domain/number-format.ts';
import { changeBlock } from '../../domain/change-block.ts';
import { latestWaveOf, wavesOf } from '../repositories/studies.ts';
import { companyRoundChange, ownRetakeChange, readerCompanyChange } from './trends.ts';

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The company report of a participant's company. On a respondent's copy: the
 * company's figures (its published respondents, see companyView) once the
 * anonymity rule lets this reader see them, their own view until then. On the
 * consultant's copy (`reader` false): the company's figures only, or null
 * while there are too few respondents; nobody's Personal Index or own numbers.
 */
export async function companyReportFor(
  db: Store,
  participant: Participant,
  minGroup: number,
  date = new Date(),
  options: { reader: boolean; numberStyle?: NumberStyle; waveId?: number } = { reader: true },
): Promise<CompanyReportModel | null> {
  const own = await findScore(db, participant.id);
  if (!own) return null;
  const instrument: Instrument = loadInstrument(participant.instrumentId);
  const view = await companyView(db, instrument, participant.companyId, options.reader ? participant : null, minGroup, options.reader ? undefined : options.waveId);
  const aggregate = view.aggregate;
  if (!options.reader && !aggregate) return null;
  const answers = await loadAnswers(db, participant.id);
  const mine = scoreParticipant(instrument, answers);
  const headline = aggregate ? { itemScores: aggregate.itemScores, scores: aggregate.scores } : { itemScores: mine.itemScores, scores: mine.company };
  const velocity = headline.scores.velocity ?? own.velocity;
  // A reader who does not count in the benchmark is not placed exactly among peers: many such readers could map a group out.
  const uncounted = own.population === 'unverified';
  const position = await peerPosition(
    db,
    {
      participantId: participant.id,
      companyId: participant.companyId,
      velocity,
      instrumentVersion: own.instrumentVersion,
      population: own.population,
      industry: participant.industry,
      employees: participant.employees,
    },
    minGroup,
  );
  // The peer figures are read when asked for (GroupFigures): one sub-index after another.
  const subIndices = {} as Record<SubIndexKey, SubIndexPeer>;
  if (position) {
    for (const k of SubIndexKeys) {
      const score = headline.scores[k];
      const counts = score === null ? null : await position.figures.countAtMost(k, score);
      subIndices[k] = {
        relative: !uncounted && counts && mayShow({ count: counts.size, readerIncluded: false }, minGroup) ? relativeFromCounts(counts.notBetter, counts.size) : null,
        quartiles: await publishedQuartiles(position.figures, minGroup, k),
      };
    }
  }
  const peer = position && {
    label: describePeerGroup(position.group, (dim, value) => choiceLabel(instrument, dim, value)),
    size: position.group.size,
    relative: uncounted ? null : position.relative,
    histogram: await position.figures.histogram(),
    subIndices,
  };
  // The reader's own numbers, on their copy only; everyone else's only combined, over at least k (SPEC 3b).
  const numbers = options.reader ? await loadNumbers(db, participant.id) : null;
  // The same respondents as the company's scores, so its numbers grow in the same steps of k.
  const respondentNumbers: Respondent[] = [];
  if (participant.companyId !== null) {
    for (const p of view.published) respondentNumbers.push({ numbers: await loadNumbers(db, p.id), reader: options.reader && p.id === participant.id });
  }
  const brand = await reportBrand(db, participant.studyId);
  const study = (await studyName(db, participant.studyId)) ?? null;
  const change = await reportChange(db, instrument, participant, minGroup, aggregate !== null, options);
  return companyReportModel({
    instrument,
    copy: loadReportCopy(),
    company: participant.companyName,
    date: isoDate(date),
    view: aggregate ? 'company' : 'own',
    respondents: aggregate ? view.published.length : 1,
    itemScores: headline.itemScores,
    scores: headline.scores,
    ownAnswers: options.reader ? answers : null,
    ownView: options.reader && aggregate ? mine.company : null,
    companyPending: options.reader && participant.companyId !== null && !aggregate ? { needed: view.needed } : null,
    audience: options.reader && roleGroup(instrument, participant.role) === 'seller' ? 'seller' : 'leader',
    reader: options.reader ? mine.personal : null,
    peer,
    minGroup,
    numbers,
    companyNumbers:
      participant.companyId === null
        ? null
        : combineCompanyNumbers(
            respondentNumbers,
            // Each figure is a median: held to the quantile rule, 2k respondents besides the reader.
            quantileMinimum(minGroup),
          ),
    aggregate: aggregate && aggregate.respondents >= 2 ? aggregate : null,
    brand,
    numberStyle: options.numberStyle,
    study,
    change,
  });
}

/**
 * The change a company report shows: on a reader's copy, the company's when the report shows the company's
 * figures, their own against their previous response while it shows their own view; on the consultant's copy,
 * the company's, from the round before the one shown.
 */
async function reportChange(db: Store, instrument: Instrument, participant: Participant, minGroup: number, companyShown: boolean, options: { reader: boolean; waveId?: number }) {
  if (options.reader) {
    const own = companyShown ? null : await ownRetakeChange(db, instrument, participant);
    const company = companyShown ? await readerCompanyChange(db, instrument, participant, minGroup) : null;
    return company ? changeBlock(company, 'company') : own ? changeBlock(own, 'own') : null;
  }
  if (participant.companyId === null || participant.studyId === null) return null;
  const wave = options.waveId === undefined ? await latestWaveOf(db, participant.studyId) : (await wavesOf(db, participant.studyId)).find((w) => w.id === options.waveId);
  const company = wave ? await companyRoundChange(db, instrument, participant.companyId, wave, null, minGroup) : null;
  return company ? changeBlock(company, 'company') : null;
}

/** The personal report: placed among individuals of the same role when there are enough of them, else everyone. */
export async function personalReportFor(db: Store, participant: Participant, minGroup: number, date = new Date(), numberStyle?: NumberStyle): Promise<PersonalReportModel | null> {
  const own = await findScore(db, participant.id);
  if (!own) return null;
  const instrument = loadInstrument(participant.instrumentId);
  const answers = await loadAnswers(db, participant.id);
  const s = scoreParticipant(instrument, answers);
  const roleLabel = choiceLabel(instrument, 'role', participant.role);
  let position: PersonalReportModel['position'] = null;
  if (s.personal.personal !== null && own.population !== 'unverified') {
    const peers = { instrumentVersion: own.instrumentVersion, population: comparedWith(own.population) };
    for (const [where, label] of [
      [{ ...peers, role: participant.role }, `people in your role (${roleLabel})`],
      [peers, 'all participants'],
    ] as const) {
      const c = await countAtMost(db, 'personal', where, s.personal.personal, participant.id);
      if (c.size >= minGroup) {
        position = { label, size: c.size, relative: relativeFromCounts(c.notBetter, c.size)! };
        break;
      }
    }
  }
  const brand = await reportBrand(db, participant.studyId);
  const study = (await studyName(db, participant.studyId)) ?? null;
  const change = await ownChangeBlock(db, instrument, participant);
  return personalReportModel({
    instrument,
    copy: loadReportCopy(),
    company: participant.companyName,
    date: isoDate(date),
    roleLabel,
    itemScores: s.itemScores,
    answers,
    scores: s.personal,
    position,
    minGroup,
    brand,
    numberStyle,
    study,
    preparedFor: participant.displayName,
    change,
  });
}

async function ownChangeBlock(db: Store, instrument: Instrument, participant: Participant) {
  const own = await ownRetakeChange(db, instrument, participant);
  return own ? changeBlock(own, 'own') : null;
}
