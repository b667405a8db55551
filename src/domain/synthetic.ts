import { allowsNotApplicable, NOT_APPLICABLE, optionsOf } from './answers.ts';
import type { Instrument, Item, ProfileFieldId } from './instrument.ts';
import type { Profile, YourNumbers } from './profile.ts';
import { normal, pickWeighted, seededRandom, type Random } from './random.ts';
import { companyItems, curveScore, optionScore, personalItems } from './scoring.ts';

/**
 * Synthetic but plausible participants for demos and benchmarks. Each one has
 * a latent sales maturity drawn from its profile (larger companies and field
 * teams a little more mature, some industries more than others) plus its own
 * strengths per velocity factor; answers follow that maturity with noise, and
 * "Your numbers" follow both the profile (deal size with company size and
 * motion) and the maturity (win rate up, cycle down).
 */
export interface SyntheticParticipant {
  profile: Profile;
  answers: Record<string, string>;
  numbers: YourNumbers | null;
}

const COMPANY_NAMES_A = ['Northwind', 'Bluepeak', 'Ironbridge', 'Lumen', 'Crestline', 'Harbor', 'Vantage', 'Silverleaf', 'Keystone', 'Brightwater', 'Redwood', 'Summit', 'Atlas', 'Meridian', 'Cobalt', 'Juniper'];
const COMPANY_NAMES_B = ['Systems', 'Analytics', 'Industries', 'Partners', 'Logistics', 'Health', 'Energy', 'Software', 'Group', 'Labs', 'Capital', 'Networks'];

function choiceIds(instrument: Instrument, id: ProfileFieldId): string[] {
  const field = instrument.profile.find((f) => f.id === id);
  return field?.kind === 'choice' ? field.options.map((o) => o.id) : [];
}

/** Skewed towards the smaller bands, as real survey populations are. */
function descending(n: number): number[] {
  return Array.from({ length: n }, (_, i) => n - i * 0.6);
}

interface PreparedItem {
  item: Item;
  /** Answers sorted by score, with their scores, for picking the closest; numbers on a grid of their range. */
  options: { id: string; score: number }[];
  na: boolean;
  /** Which latent strength drives the answer. */
  factor: number;
  difficulty: number;
}

export function createSyntheticGenerator(instrument: Instrument, seed: number) {
  const seedRandom: Random = seededRandom(seed);
  const profileIds = {
    role: choiceIds(instrument, 'role'),
    industry: choiceIds(instrument, 'industry'),
    employees: choiceIds(instrument, 'employees'),
    salesTeam: choiceIds(instrument, 'salesTeam'),
    region: choiceIds(instrument, 'region'),
    motion: choiceIds(instrument, 'motion'),
  };
  // Fixed per-industry maturity offsets, drawn once from the seed.
  const industryEffect = new Map(profileIds.industry.map((id) => [id, normal(seedRandom) * 0.35]));
  const itemRandom = seededRandom(seed ^ 0x5bd1e995);
  const prepare = (item: Item, factor: number): PreparedItem => {
    const options = (item.kind === 'number' ? numberGrid(item) : optionsOf(instrument, item).map((o) => ({ id: o.id, score: optionScore(item, o) })))
      .sort((a, b) => a.score - b.score);
    return { item, options, na: allowsNotApplicable(item), factor, difficulty: normal(itemRandom) * 0.45 };
  };
  const factorOf = (weights: Record<string, number>): number => {
    const entries = Object.values(weights);
    return entries.indexOf(Math.max(...entries));
  };
  const items = [
    ...companyItems(instrument).map((i) => prepare(i, factorOf(i.weights))),
    ...personalItems(instrument).map((i) => prepare(i, 4 + factorOf(i.weights))),
  ];

  /**
   * Participant `index` depends only on the seed and the index, never on the
   * ones generated before it, so that several workers can share a load.
   */
  return function next(index: number): SyntheticParticipant {
    const random = seededRandom(seed, index + 1);
    const role = pickWeighted(random, profileIds.role, [45, 25, 20, 10]);
    const industry = pickWeighted(random, profileIds.industry, descending(profileIds.industry.length));
    const employeesAt = Math.floor(random() ** 1.4 * profileIds.employees.length);
    const employees = profileIds.employees[employeesAt]!;
    const teamAt = Math.min(profileIds.salesTeam.length - 1, Math.max(0, employeesAt + Math.round(normal(random) * 0.8) - 1));
    const salesTeam = profileIds.salesTeam[teamAt]!;
    const region = pickWeighted(random, profileIds.region, [40, 8, 32, 6, 14]);
    const motion = pickWeighted(random, profileIds.motion, [30, 35, 10, 25]);
    const company = `${COMPANY_NAMES_A[index % COMPANY_NAMES_A.length]} ${COMPANY_NAMES_B[Math.floor(index / COMPANY_NAMES_A.length) % COMPANY_NAMES_B.length]} ${1 + (index % 997)}`;

    const maturity =
      normal(random) * 0.8 +
      (industryEffect.get(industry) ?? 0) +
      (employeesAt - 1.5) * 0.12 +
      (motion === 'field' ? 0.1 : motion === 'channel' ? -0.1 : 0);
    // Four company factors and two personal ones, each the maturity plus its own strength.
    const strengths = Array.from({ length: 6 }, () => maturity + normal(random) * 0.45);

    const answers: Record<string, string> = {};
    for (const p of items) {
      if (p.na && random() < 0.03) {
        answers[p.item.id] = NOT_APPLICABLE;
        continue;
      }
      const target = 1 / (1 + Math.exp(-(strengths[p.factor]! - p.difficulty + normal(random) * 0.7) * 1.3));
      let best = p.options[0]!;
      for (const o of p.options) if (Math.abs(o.score - target) < Math.abs(best.score - target)) best = o;
      answers[p.item.id] = best.id;
    }

    const numbers = random() < 0.6 ? syntheticNumbers(random, maturity, employeesAt, motion) : null;
    return { profile: { role, company, industry, employees, salesTeam, region, motion }, answers, numbers };
  };
}

/** Candidate answers of a number item: 41 steps over its range, each with its curve score. */
function numberGrid(item: Extract<Item, { kind: 'number' }>): { id: string; score: number }[] {
  const steps = 40;
  const seen = new Map<string, number>();
  for (let i = 0; i <= steps; i++) {
    const raw = item.min + ((item.max - item.min) * i) / steps;
    const rounded = item.integer ? Math.round(raw) : Math.round(raw * 10) / 10;
    // Rounding must not step outside the item's own range.
    const x = Math.min(item.max, Math.max(item.min, rounded));
    if (item.integer && !Number.isInteger(x)) continue;
    seen.set(String(x), curveScore(item.curve, x));
  }
  return [...seen].map(([id, score]) => ({ id, score }));
}

function syntheticNumbers(random: Random, maturity: number, sizeBand: number, motion: string): YourNumbers {
  const round = (x: number, to: number) => Math.max(to, Math.round(x / to) * to);
  const motionValue = motion === 'field' ? 2.2 : motion === 'inside' ? 0.6 : motion === 'channel' ? 1.3 : 1;
  const dealValue = round(12000 * 2 ** sizeBand * motionValue * Math.exp(normal(random) * 0.5), 500);
  const opportunities = round(25 * (1 + sizeBand) ** 1.6 * Math.exp(normal(random) * 0.4) / Math.sqrt(motionValue), 1);
  const winRate = Math.min(70, Math.max(5, Math.round(24 + maturity * 7 + normal(random) * 5)));
  const cycleDays = Math.max(7, Math.round(45 * (1 + sizeBand * 0.35) * motionValue ** 0.6 * Math.exp(-maturity * 0.15 + normal(random) * 0.25)));
  const quota = round(opportunities * dealValue * (winRate / 100) * (1 + 0.15 * Math.abs(normal(random))), 1000);
  const pipeline = round(quota * Math.max(0.6, 2.6 + maturity * 0.6 + normal(random) * 0.7), 1000);
  const decided = Math.max(4, Math.round(opportunities * 0.8));
  const wonCount = Math.max(1, Math.round((decided * winRate) / 100));
  const lostCount = Math.max(1, decided - wonCount);
  const stageCount = 3 + Math.floor(random() * 3);
  const stages: Partial<YourNumbers> = {};
  // Stage rates whose product lands near the win rate, so the funnel agrees with it.
  const perStage = Math.min(95, Math.max(10, 100 * (winRate / 100) ** (1 / stageCount)));
  for (let s = 1; s <= stageCount; s++) {
    (stages as Record<string, number>)[`stage${s}`] = Math.min(95, Math.max(5, Math.round(perStage + normal(random) * 6)));
  }
  return {
    opportunities,
    dealValue,
    currency: 'USD',
    winRate,
    cycleDays,
    quota,
    pipeline,
    wonCount,
    wonValue: round(wonCount * dealValue * (0.8 + random() * 0.3), 100),
    lostCount,
    lostValue: round(lostCount * dealValue * (1 + random() * 0.4), 100),
    openCount: Math.round(opportunities * 0.7),
    openValue: round(opportunities * 0.7 * dealValue, 100),
    ...stages,
  };
}
