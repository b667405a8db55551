import type { Study, StudyWave } from '../../../db/schema.ts';
import type { Store } from '../data/store.ts';
import { publishedScore } from '../../domain/anonymity.ts';
import type { Instrument } from '../../domain/instrument.ts';
import { describePeerGroup } from '../../domain/peers.ts';
import { choiceLabel } from '../../domain/profile.ts';
import { companyCategory } from '../../domain/scoring.ts';
import { DASHBOARD_SCORES, totalsOf, type DashboardCompany, type DashboardScore, type Totals } from '../../domain/study-dashboard.ts';
import { findScore } from '../repositories/scores.ts';
import { countsOfWave } from '../repositories/invitations.ts';
import { completionTimesOfWave, progressOfWave } from '../repositories/study-progress.ts';
import { companiesOf, linksOfWave, wavesOf } from '../repositories/studies.ts';
import { companyView, type CompanyView } from './company-view.ts';
import { peerPosition } from './peers.ts';
import { companyRoundChange } from './trends.ts';
import { publishedChange, type RoundComparison } from '../../domain/trend.ts';

export interface StudyDashboard {
  waves: StudyWave[];
  wave: StudyWave;
  isLatest: boolean;
  companies: DashboardCompany[];
  /** People who joined through the study's own link, without a company: progress only. */
  unlinked: { invited: number; started: number; completed: number };
  totals: Totals;
  completionTimes: Date[];
  /** The invite links of the shown wave: the study's, and each company's by id. */
  studyLink: string | null;
  companyLinks: Map<number, string>;
}

/**
 * Everything the study page shows about one wave (`waveNumber`; null: the
 * latest). Undefined for a wave the study does not have. The caller has
 * checked that the study is the consultant's.
 */
export async function studyDashboard(db: Store, instrument: Instrument, study: Study, waveNumber: number | null, minGroup: number): Promise<StudyDashboard | undefined> {
  const waves = await wavesOf(db, study.id);
  const latest = waves.at(-1);
  const wave = waveNumber === null ? latest : waves.find((w) => w.number === waveNumber);
  if (!wave || !latest) return undefined;
  // The invitations page's own counts; the study's link (no company) under null.
  const invited = new Map((await countsOfWave(db, study.id, wave.id)).map((c) => [c.companyId, c.invited]));
  const { started, completed } = await progressOfWave(db, study.id, wave.id);
  const companies: DashboardCompany[] = [];
  for (const c of await companiesOf(db, study.id)) {
    const figures = await figuresOf(db, instrument, await companyView(db, instrument, c.id, null, minGroup, wave.id), c.id, minGroup);
    companies.push({
      id: c.id,
      name: c.name,
      invited: invited.get(c.id) ?? 0,
      started: started.get(c.id) ?? 0,
      completed: completed.get(c.id) ?? 0,
      ...figures,
      ...(wave.number > 1 ? { change: dashboardChange(await companyRoundChange(db, instrument, c.id, wave, null, minGroup)) } : {}),
    });
  }
  const unlinked = { invited: invited.get(null) ?? 0, started: started.get(null) ?? 0, completed: completed.get(null) ?? 0 };
  const links = await linksOfWave(db, wave.id);
  return {
    waves,
    wave,
    isLatest: wave.id === latest.id,
    companies,
    unlinked,
    totals: totalsOf([...companies, unlinked]),
    completionTimes: await completionTimesOfWave(db, study.id, wave.id),
    studyLink: links.find((l) => l.companyId === null)?.token ?? null,
    companyLinks: new Map(links.filter((l) => l.companyId !== null).map((l) => [l.companyId!, l.token])),
  };
}

/** The Velocity Index line of a company's round comparison, in the table's terms. */
function dashboardChange(comparison: RoundComparison | null): DashboardCompany['change'] {
  if (!comparison) return null;
  if (comparison.status === 'questionnaire-changed') return 'questionnaire-changed';
  const velocity = comparison.trend.changes.find((c) => c.key === 'velocity');
  const points = velocity ? publishedChange(velocity) : null;
  if (!velocity || points === null || velocity.withinNoise === null) return null;
  return { points, withinNoise: velocity.withinNoise, roundBefore: comparison.roundBefore, nBefore: comparison.trend.nBefore, nAfter: comparison.trend.nAfter };
}

/**
 * A company's published figures, category and peer position, all from its
 * company view: nothing at all while the view holds the figures back (fewer
 * than k + 1 respondents), so no figure of a smaller group reaches the page.
 */
async function figuresOf(
  db: Store,
  instrument: Instrument,
  view: CompanyView,
  companyId: number,
  minGroup: number,
): Promise<Pick<DashboardCompany, 'scores' | 'needed' | 'category' | 'peer'>> {
  const aggregate = view.aggregate;
  const first = view.published[0];
  if (!aggregate || !first) return { scores: null, needed: view.needed, category: null, peer: null };
  const scores = Object.fromEntries(
    DASHBOARD_SCORES.map((k) => {
      const v = aggregate.scores[k];
      return [k, v === null ? null : publishedScore(v)];
    }),
  ) as Record<DashboardScore, number | null>;
  const velocity = aggregate.scores.velocity;
  if (velocity === null) return { scores, needed: view.needed, category: null, peer: null };
  // Placed as the company report places it: the company's score among its benchmark peers, the company's own people left out.
  const own = await findScore(db, first.id);
  const position =
    own &&
    (await peerPosition(
      db,
      { participantId: first.id, companyId, velocity, instrumentVersion: own.instrumentVersion, population: own.population, industry: first.industry, employees: first.employees },
      minGroup,
    ));
  // A company that does not count in the benchmark is not placed exactly among peers (as in its report).
  const peer =
    position && own.population !== 'unverified'
      ? { relative: Math.round(position.relative), label: describePeerGroup(position.group, (dim, value) => choiceLabel(instrument, dim, value)) }
      : null;
  return { scores, needed: view.needed, category: companyCategory(instrument, velocity).label, peer };
}
