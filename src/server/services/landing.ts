import { suppressGroups } from '../../domain/anonymity.ts';
import type { Instrument, ProfileFieldId } from '../../domain/instrument.ts';
import { populationInForce, startOfUtcDay, type PeerPopulation } from '../../domain/population.ts';
import { profileChoices } from '../../domain/profile.ts';
import { companyItems, personalItems } from '../../domain/scoring.ts';
import type { Store } from '../data/store.ts';
import { finishedBefore } from '../repositories/scores.ts';
import { deleteSettingsBetween, getSetting, settingOrCreate } from '../repositories/settings.ts';

export interface GroupSize {
  label: string;
  /** Null when the group is below the minimum size: it is not shown, for anonymity. */
  n: number | null;
}

export interface LandingStats {
  participants: number;
  /** Whose counts these are: the benchmark, or demo data until a real participant has counted for a whole day. */
  population: PeerPopulation;
  /** The counts are of participants who finished before this instant (the start of the current UTC day). */
  asOf: Date;
  minGroup: number;
  questions: number;
  minutes: number;
  groups: { title: string; sizes: GroupSize[] }[];
}

/** Roughly 20 seconds a question, rounded up to five minutes. */
export function minutesFor(questions: number): number {
  return Math.ceil((questions * 20) / 60 / 5) * 5;
}

/**
 * The landing page's counts as of the start of the current UTC day: only
 * participants who finished before it, so one participant's finish never
 * shows up the moment it happens (comparing the counts before and after it
 * would give their industry, size band and region); today's finishes appear
 * together tomorrow. The population is the benchmark once it held anyone at
 * that instant, demo data before (labelled as such on the page), never both.
 * A group below k is hidden, and so are the smallest shown groups when the
 * hidden ones together hold fewer than k, so the total less the groups shown
 * never gives a hidden group's size (src/domain/anonymity.ts).
 */
export async function landingStats(db: Store, instrument: Instrument, minGroup: number, now = new Date()): Promise<LandingStats> {
  const asOf = startOfUtcDay(now);
  const benchmark = await finishedBefore(db, instrument.version, 'benchmark', asOf);
  const population = populationInForce(benchmark.total > 0);
  const counted = population === 'benchmark' ? benchmark : await finishedBefore(db, instrument.version, 'demo', asOf);
  const dimension = (id: ProfileFieldId, column: 'industry' | 'employees' | 'region', title: string) => {
    const choices = profileChoices(instrument, id);
    const sizes = choices.map((o) => counted.by[column].get(o.id) ?? 0);
    const hidden = suppressGroups(sizes, minGroup);
    return { title, sizes: choices.map((o, i) => ({ label: o.label, n: hidden[i] || sizes[i]! < minGroup ? null : sizes[i]! })) };
  };
  const questions = companyItems(instrument).length + personalItems(instrument).length;
  return {
    participants: counted.total,
    population,
    asOf,
    minGroup,
    questions,
    minutes: minutesFor(questions),
    groups: [
      dimension('industry', 'industry', 'By industry'),
      dimension('employees', 'employees', 'By company size (employees)'),
      dimension('region', 'region', 'By region'),
    ],
  };
}

const cache = new WeakMap<Store, { key: string; stats: LandingStats }>();

/** Settings keys of the day's counts: the day first, so that earlier days' keys sort before today's. */
const SNAPSHOT_PREFIX = 'landing-counts:';

/**
 * landingStats, computed once per UTC day for the whole database: the counts
 * cannot change during the day except by a deletion, and a deletion showing
 * at once would say who left. The first count of the day is kept in the
 * database (table settings), so every app server shows that one, even one
 * started or first asked after a deletion; each also keeps it in memory for
 * the rest of the day.
 */
export async function landingStatsToday(db: Store, instrument: Instrument, minGroup: number, now = new Date()): Promise<LandingStats> {
  const day = startOfUtcDay(now).toISOString();
  const key = `${SNAPSHOT_PREFIX}${day}:${instrument.id}@${instrument.version}:${minGroup}`;
  const hit = cache.get(db);
  if (hit?.key === key) return hit.stats;
  let stored = await getSetting(db, key);
  if (stored === undefined) {
    const counted = JSON.stringify(await landingStats(db, instrument, minGroup, now));
    // Two servers counting at once keep the first one's figures.
    stored = await settingOrCreate(db, key, () => counted);
    if (stored === counted) await deleteSettingsBetween(db, SNAPSHOT_PREFIX, `${SNAPSHOT_PREFIX}${day}`);
  }
  const stats = revive(stored);
  cache.set(db, { key, stats });
  return stats;
}

function revive(json: string): LandingStats {
  const stats = JSON.parse(json) as LandingStats & { asOf: string };
  return { ...stats, asOf: new Date(stats.asOf) };
}

/**
 * Forgets the kept counts (after the demo data is removed: its counts would
 * otherwise stay on the page until the next day). Servers already holding the
 * day's counts in memory show them until the day ends or they restart.
 */
export async function forgetLandingCounts(db: Store): Promise<void> {
  // ';' follows ':' in ASCII: every key that starts with the prefix sorts before this one.
  await deleteSettingsBetween(db, SNAPSHOT_PREFIX, 'landing-counts;');
}
