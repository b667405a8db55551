import { allowsNotApplicable, NOT_APPLICABLE, optionsOf } from './answers.ts';
import { primaryFactor } from './factors.ts';
import { SubIndexKeys, type Instrument, type Item, type ProfileFieldId } from './instrument.ts';
import { roleGroup, type Profile, type YourNumbers } from './profile.ts';
import { normal, pickWeighted, seededRandom, type Random } from './random.ts';
import { companyItems, curveScore, optionScore, personalItems } from './scoring.ts';

/**
 * Synthetic but plausible participants for demos and benchmarks, drawn from a
 * latent model (README, "Demo data: the latent model") so that the demo
 * population behaves like a benchmark: factors that are related but distinct,
 * modest industry and size differences, colleagues of one company who roughly
 * agree, and leaders who see their company a little more kindly than sellers.
 *
 * Every strength is on one logit scale: an answer is the option whose score is
 * nearest logistic(strength − item difficulty + noise), so a strength of 0
 * answers around the middle of a scale and +1 around three quarters.
 *
 *   company level   L = CENTRE + industry + size + motion + N(0, LEVEL_SD)
 *   factor k        F_k = L + N(0, FACTOR_SD)            (value, number, winRate, cycle)
 *   company personal  P = PERSONAL_CENTRE + PERSONAL_FROM_LEVEL × (L − CENTRE) + N(0, PERSONAL_SD)
 *   respondent view   F_k + view + N(0, VIEW_FACTOR_SD), view = N(0, VIEW_SD) + LEADER_BIAS for leaders
 *   respondent personal approach / execution = P + N(0, OWN_SD) + N(0, SIDE_SD)
 *
 * Participant `index` depends only on the seed and the index, never on the
 * ones generated before it, so that worker threads can share a load; a
 * company is found from the index alone (see companyOf).
 */
export interface SyntheticParticipant {
  profile: Profile;
  answers: Record<string, string>;
  numbers: YourNumbers | null;
}

/**
 * The model's parameters, in logit units of the answer scale. Tuned so that
 * the Velocity Index has a median in the mid fifties and an inter-quartile
 * range of about 17 points, sub-indices correlate about 0.5 across
 * participants, and industries differ by a few points (tests/domain/synthetic.test.ts
 * measures all of it on the real instrument).
 */
const LATENT_MODEL = {
  /** Mean company level: a typical company answers a little above the middle. */
  CENTRE: 0.15,
  /** Spread of company levels not explained by the profile. */
  LEVEL_SD: 0.52,
  /** Each factor's own deviation from the company level: what makes the four sub-indices differ. */
  FACTOR_SD: 0.5,
  /** Industry offsets: drawn once per seed, centred, clamped at twice this. */
  INDUSTRY_SD: 0.08,
  /** Per employees band above the middle one: larger companies are a little more mature. */
  SIZE_STEP: 0.05,
  /** Field teams slightly ahead, channel slightly behind: their processes are harder to run. */
  MOTION: { field: 0.06, channel: -0.06 } as Record<string, number>,
  /** How much one respondent's view of the whole company differs from a colleague's. */
  VIEW_SD: 0.22,
  /** How much one respondent's view of one factor differs. */
  VIEW_FACTOR_SD: 0.15,
  /**
   * Leaders see their company more kindly than sellers do: about 0.3 SD of a
   * factor strength across companies (√(LEVEL_SD² + FACTOR_SD²) ≈ 0.72), a
   * gap of about 4 points in the Velocity Index.
   */
  LEADER_BIAS: 0.2,
  /** Difficulty of an item: some practices are rarer than others. */
  DIFFICULTY_SD: 0.35,
  /** Scale of the logistic answer noise: how much one answer strays from the respondent's strength. */
  ANSWER_NOISE: 0.6,
  /** Share of not-applicable answers where an item offers it. */
  NOT_APPLICABLE: 0.03,
  PERSONAL_CENTRE: 0.35,
  /** Good companies hire and coach better sellers, so personal strength leans on the company level. */
  PERSONAL_FROM_LEVEL: 0.4,
  PERSONAL_SD: 0.3,
  /** The respondent's own skill around their company's. */
  OWN_SD: 0.5,
  /** Approach and execution each around the respondent's personal strength. */
  SIDE_SD: 0.3,
  /** Share of respondents who give "Your numbers". */
  NUMBERS_SHARE: 0.6,
};

/**
 * Companies have 1 to 8 respondents with these weights: most answer alone,
 * and enough have several for company reports and "where your team
 * disagrees" to show in the demo.
 */
const COMPANY_SIZES = [1, 2, 3, 4, 5, 6, 7, 8];
const COMPANY_SIZE_WEIGHTS = [70, 10, 6, 4, 3, 3, 2, 2];
/** Role weights in the instrument's role order (rep, manager, leader, executive in velocity-v1 and v2). */
const FIRST_ROLE_WEIGHTS = [40, 25, 23, 12];
const COLLEAGUE_ROLE_WEIGHTS = [65, 20, 10, 5];
/** Companies are laid out in blocks of this many indexes, so that an index finds its company without the ones before it. */
const BLOCK = 64;

/** Factors 0-3 are the company sub-indices in SubIndexKeys order; 4 and 5 approach and execution. */
const APPROACH = 4;
const EXECUTION = 5;

const COMPANY_NAMES_A = ['Northwind', 'Bluepeak', 'Ironbridge', 'Lumen', 'Crestline', 'Harbor', 'Vantage', 'Silverleaf', 'Keystone', 'Brightwater', 'Redwood', 'Summit', 'Atlas', 'Meridian', 'Cobalt', 'Juniper'];
const COMPANY_NAMES_B = ['Systems', 'Analytics', 'Industries', 'Partners', 'Logistics', 'Health', 'Energy', 'Software', 'Group', 'Labs', 'Capital', 'Networks'];

/** One name per company id, never the same for two companies. */
function companyName(id: number): string {
  const a = COMPANY_NAMES_A.length;
  const b = COMPANY_NAMES_B.length;
  return `${COMPANY_NAMES_A[id % a]} ${COMPANY_NAMES_B[Math.floor(id / a) % b]} ${1 + Math.floor(id / (a * b))}`;
}

function choiceIds(instrument: Instrument, id: ProfileFieldId): string[] {
  const field = instrument.profile.find((f) => f.id === id);
  return field?.kind === 'choice' ? field.options.map((o) => o.id) : [];
}

/** Whether a band id such as "1-5" ends below n; ids of another shape ("201-plus") never do. */
function bandBelow(id: string, n: number): boolean {
  const m = /^\d+-(\d+)$/.exec(id);
  return m !== null && Number(m[1]) < n;
}

/** Skewed towards the smaller bands, as real survey populations are. */
function descending(n: number): number[] {
  return Array.from({ length: n }, (_, i) => n - i * 0.6);
}

/** Standard logistic noise by inversion: one uniform and one log, cheaper than a normal. */
function logisticNoise(random: Random): number {
  const u = random() * 0.999998 + 0.000001;
  return Math.log(u / (1 - u));
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

type Answerer =
  /** Options grouped by equal score, lowest first; thresholds on the logit scale between neighbouring groups. */
  | { kind: 'options'; groups: string[][]; thresholds: number[] }
  | { kind: 'number'; item: Extract<Item, { kind: 'number' }> };

interface PreparedItem {
  id: string;
  na: boolean;
  /** Which strength drives the answer (see APPROACH, EXECUTION). */
  factor: number;
  difficulty: number;
  answerer: Answerer;
}

/**
 * The ordinal threshold model of an option item: options ordered by score
 * (so reverse-scored items follow the strength through their score), a
 * threshold at the logit of each midpoint between neighbouring scores. An
 * answer is the group whose interval holds the latent response; options that
 * score the same share a group and are picked at random.
 */
function optionAnswerer(instrument: Instrument, item: Item): Answerer {
  const scored = optionsOf(instrument, item)
    .map((o) => ({ id: o.id, score: optionScore(item, o) }))
    .sort((a, b) => a.score - b.score);
  const groups: string[][] = [];
  const scores: number[] = [];
  for (const o of scored) {
    if (scores.length && o.score === scores.at(-1)) groups.at(-1)!.push(o.id);
    else {
      groups.push([o.id]);
      scores.push(o.score);
    }
  }
  const thresholds = scores.slice(1).map((s, i) => logit(Math.min(0.999, Math.max(0.001, (s + scores[i]!) / 2))));
  return { kind: 'options', groups, thresholds };
}

/**
 * A number item's answer for a target score: the value where the item's curve
 * takes that score (the first such stretch of the curve), moved by a little
 * noise along the value axis, on the item's grid and inside its range; past
 * either end of the curve the value strays further, as real answers do.
 */
function numberAnswer(item: Extract<Item, { kind: 'number' }>, target: number, random: Random): string {
  const curve = item.curve;
  const first = curve[0]!;
  const last = curve.at(-1)!;
  const span = last.value - first.value;
  // The nearest end point, for targets the curve never reaches.
  let x = Math.abs(first.score - target) <= Math.abs(last.score - target) ? first.value : last.value;
  for (let i = 1; i < curve.length; i++) {
    const p = curve[i - 1]!;
    const q = curve[i]!;
    if (p.score !== q.score && (p.score - target) * (q.score - target) <= 0) {
      x = p.value + ((target - p.score) / (q.score - p.score)) * (q.value - p.value);
      break;
    }
  }
  // Near an end of the curve the score no longer tells values apart: spread the answers beyond it rather than stack them on the end point.
  if (Math.abs(target - last.score) < 0.05) x = last.value + Math.abs(normal(random)) * 0.2 * span;
  else if (Math.abs(target - first.score) < 0.05) x = first.value - Math.abs(normal(random)) * 0.2 * span;
  else x += normal(random) * 0.05 * span;
  // People answer in whole numbers, or halves on a short scale, not in tenths.
  const step = item.integer || span > 10 ? 1 : 0.5;
  const lo = item.integer ? Math.ceil(item.min) : item.min;
  const hi = item.integer ? Math.floor(item.max) : item.max;
  return String(Math.min(hi, Math.max(lo, Math.round(x / step) * step)));
}

interface Company {
  id: number;
  industry: string;
  employeesAt: number;
  salesTeam: string;
  region: string;
  motion: string;
  /** F_value, F_number, F_winRate, F_cycle. */
  factors: number[];
  personal: number;
  /** The company's true figures, which each respondent reports with a little error. */
  numbers: CompanyNumbers;
}

interface CompanyNumbers {
  opportunities: number;
  dealValue: number;
  winRate: number;
  cycleDays: number;
  quotaFactor: number;
  coverage: number;
  stageCount: number;
}

export function createSyntheticGenerator(instrument: Instrument, seed: number) {
  const M = LATENT_MODEL;
  const seedRandom: Random = seededRandom(seed);
  const profileIds = {
    role: choiceIds(instrument, 'role'),
    industry: choiceIds(instrument, 'industry'),
    employees: choiceIds(instrument, 'employees'),
    salesTeam: choiceIds(instrument, 'salesTeam'),
    region: choiceIds(instrument, 'region'),
    motion: choiceIds(instrument, 'motion'),
  };
  // Fixed per-industry offsets, drawn once from the seed; centred and clamped so that no seed makes an industry an outlier.
  const rawIndustry = profileIds.industry.map(() => normal(seedRandom) * M.INDUSTRY_SD);
  const meanIndustry = rawIndustry.reduce((a, b) => a + b, 0) / Math.max(1, rawIndustry.length);
  const industryEffect = new Map(
    profileIds.industry.map((id, i) => [id, Math.max(-2 * M.INDUSTRY_SD, Math.min(2 * M.INDUSTRY_SD, rawIndustry[i]! - meanIndustry))]),
  );
  const industryWeights = descending(profileIds.industry.length);
  const leaderRole = new Set(profileIds.role.filter((r) => roleGroup(instrument, r) === 'leader'));

  const itemRandom = seededRandom(seed ^ 0x5bd1e995);
  const prepare = (item: Item, factor: number): PreparedItem => ({
    id: item.id,
    na: allowsNotApplicable(item),
    factor,
    difficulty: normal(itemRandom) * M.DIFFICULTY_SD,
    answerer: item.kind === 'number' ? { kind: 'number', item } : optionAnswerer(instrument, item),
  });
  const items = [
    ...companyItems(instrument).map((i) => prepare(i, SubIndexKeys.indexOf(primaryFactor(i)))),
    ...personalItems(instrument).map((i) => prepare(i, i.weights.execution > i.weights.approach ? EXECUTION : APPROACH)),
  ];
  // Difficulties centred within each factor, so that a seed's draw moves items against each other, never a whole factor or the median.
  for (let f = 0; f <= EXECUTION; f++) {
    const mine = items.filter((p) => p.factor === f);
    const mean = mine.reduce((sum, p) => sum + p.difficulty, 0) / Math.max(1, mine.length);
    for (const p of mine) p.difficulty -= mean;
  }

  /** Company starts inside one block of indexes, from that block's own stream; the last company is cut at the block's end. */
  const blockStarts = (block: number): number[] => {
    const random = seededRandom(seed ^ 0x68e31da4, block + 1);
    const starts: number[] = [];
    for (let at = block * BLOCK; at < (block + 1) * BLOCK; ) {
      starts.push(at);
      at += pickWeighted(random, COMPANY_SIZES, COMPANY_SIZE_WEIGHTS);
    }
    return starts;
  };

  const makeCompany = (id: number, respondents: number): Company => {
    const random = seededRandom(seed ^ 0x2545f491, id + 1);
    const industry = pickWeighted(random, profileIds.industry, industryWeights);
    const employeesAt = Math.floor(random() ** 1.4 * profileIds.employees.length);
    let teamAt = Math.min(profileIds.salesTeam.length - 1, Math.max(0, employeesAt + Math.round(normal(random) * 0.8) - 1));
    // A sales team holds at least the colleagues who answered.
    while (teamAt < profileIds.salesTeam.length - 1 && bandBelow(profileIds.salesTeam[teamAt]!, respondents)) teamAt++;
    const region = pickWeighted(random, profileIds.region, [40, 8, 32, 6, 14]);
    const motion = pickWeighted(random, profileIds.motion, [30, 35, 10, 25]);
    const level =
      M.CENTRE +
      (industryEffect.get(industry) ?? 0) +
      (employeesAt - (profileIds.employees.length - 1) / 2) * M.SIZE_STEP +
      (M.MOTION[motion] ?? 0) +
      normal(random) * M.LEVEL_SD;
    const factors = SubIndexKeys.map(() => level + normal(random) * M.FACTOR_SD);
    const personal = M.PERSONAL_CENTRE + M.PERSONAL_FROM_LEVEL * (level - M.CENTRE) + normal(random) * M.PERSONAL_SD;
    return {
      id,
      industry,
      employeesAt,
      salesTeam: profileIds.salesTeam[teamAt]!,
      region,
      motion,
      factors,
      personal,
      numbers: companyNumbers(random, factors, employeesAt, motion),
    };
  };

  // Consecutive indexes mostly share a block and often a company: remembering the last of each saves redrawing them.
  let lastBlock = -1;
  let starts: number[] = [];
  let company: Company | null = null;
  const companyOf = (index: number): Company => {
    const block = Math.floor(index / BLOCK);
    if (block !== lastBlock) {
      starts = blockStarts(block);
      lastBlock = block;
    }
    let at = 0;
    while (at + 1 < starts.length && starts[at + 1]! <= index) at++;
    const id = starts[at]!;
    if (company?.id !== id) company = makeCompany(id, (starts[at + 1] ?? (block + 1) * BLOCK) - id);
    return company;
  };

  const strengths = new Float64Array(6);
  return function next(index: number): SyntheticParticipant {
    const c = companyOf(index);
    const random = seededRandom(seed, index + 1);
    // Whoever brings a company in is more often a leader; the colleagues who follow are mostly sellers.
    const role = pickWeighted(random, profileIds.role, index === c.id ? FIRST_ROLE_WEIGHTS : COLLEAGUE_ROLE_WEIGHTS);
    const view = normal(random) * M.VIEW_SD + (leaderRole.has(role) ? M.LEADER_BIAS : 0);
    for (let k = 0; k < 4; k++) strengths[k] = c.factors[k]! + view + normal(random) * M.VIEW_FACTOR_SD;
    const own = c.personal + normal(random) * M.OWN_SD;
    strengths[APPROACH] = own + normal(random) * M.SIDE_SD;
    strengths[EXECUTION] = own + normal(random) * M.SIDE_SD;

    const answers: Record<string, string> = {};
    for (const p of items) {
      if (p.na && random() < M.NOT_APPLICABLE) {
        answers[p.id] = NOT_APPLICABLE;
        continue;
      }
      const response = strengths[p.factor]! - p.difficulty + logisticNoise(random) * M.ANSWER_NOISE;
      const a = p.answerer;
      if (a.kind === 'number') {
        answers[p.id] = numberAnswer(a.item, logistic(response), random);
        continue;
      }
      let g = 0;
      while (g < a.thresholds.length && response > a.thresholds[g]!) g++;
      const group = a.groups[g]!;
      answers[p.id] = group.length === 1 ? group[0]! : group[Math.floor(random() * group.length)]!;
    }

    const numbers = random() < M.NUMBERS_SHARE ? reportedNumbers(random, c.numbers) : null;
    const profile: Profile = {
      role,
      company: companyName(c.id),
      industry: c.industry,
      employees: profileIds.employees[c.employeesAt]!,
      salesTeam: c.salesTeam,
      region: c.region,
      motion: c.motion,
    };
    return { profile, answers, numbers };
  };
}

/**
 * A company's true figures, each driven by the strength of its own factor:
 * deal value by Value (and size and motion), opportunities by Number (and
 * size), win rate by Win rate, cycle length by Cycle (shorter when strong).
 */
function companyNumbers(random: Random, factors: readonly number[], sizeBand: number, motion: string): CompanyNumbers {
  const [value, number, winRate, cycle] = factors as [number, number, number, number];
  const motionValue = motion === 'field' ? 2.2 : motion === 'inside' ? 0.6 : motion === 'channel' ? 1.3 : 1;
  return {
    dealValue: 12000 * 2 ** sizeBand * motionValue * Math.exp(value * 0.3 + normal(random) * 0.45),
    opportunities: (25 * (1 + sizeBand) ** 1.6 * Math.exp(number * 0.25 + normal(random) * 0.35)) / Math.sqrt(motionValue),
    winRate: 18 + winRate * 9 + normal(random) * 4,
    cycleDays: 45 * (1 + sizeBand * 0.35) * motionValue ** 0.6 * Math.exp(-cycle * 0.2 + normal(random) * 0.25),
    quotaFactor: 1 + 0.15 * Math.abs(normal(random)),
    coverage: 2.6 + (number + winRate) * 0.3 + normal(random) * 0.6,
    stageCount: 3 + Math.floor(random() * 3),
  };
}

/** One respondent's "Your numbers": the company's figures as they know them, each off by a few per cent. */
function reportedNumbers(random: Random, truth: CompanyNumbers): YourNumbers {
  const round = (x: number, to: number) => Math.max(to, Math.round(x / to) * to);
  const off = () => Math.exp(normal(random) * 0.08);
  const dealValue = round(truth.dealValue * off(), 500);
  const opportunities = round(truth.opportunities * off(), 1);
  const winRate = Math.min(70, Math.max(5, Math.round(truth.winRate * off())));
  const cycleDays = Math.max(7, Math.round(truth.cycleDays * off()));
  const quota = round(opportunities * dealValue * (winRate / 100) * truth.quotaFactor, 1000);
  const pipeline = round(quota * Math.max(0.6, truth.coverage * off()), 1000);
  const decided = Math.max(4, Math.round(opportunities * 0.8));
  const wonCount = Math.max(1, Math.round((decided * winRate) / 100));
  const lostCount = Math.max(1, decided - wonCount);
  const stages: Partial<YourNumbers> = {};
  // Stage rates whose product lands near the win rate, so the funnel agrees with it.
  const perStage = Math.min(95, Math.max(10, 100 * (winRate / 100) ** (1 / truth.stageCount)));
  for (let s = 1; s <= truth.stageCount; s++) {
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
