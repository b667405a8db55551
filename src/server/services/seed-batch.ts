import { NumberFieldIds, type Instrument } from '../../domain/instrument.ts';
import { COMPARE_DIMENSIONS, createStatsAccumulator, industryEmployeesKey, INDUSTRY_EMPLOYEES, MEASURES, type TallySnapshot } from '../../domain/peer-stats.ts';
import { allItems, companyItems, itemScore, scoreParticipant } from '../../domain/scoring.ts';
import { createSyntheticGenerator } from '../../domain/synthetic.ts';

/**
 * A batch of synthetic participants in columns: typed arrays of codes and
 * numbers plus small dictionaries. Worker threads hand these over by
 * transferring the buffers, where a list of objects would be cloned field by
 * field on both sides — which cost as much as writing the rows.
 */
export interface EncodedBatch {
  firstId: number;
  size: number;
  instrumentId: string;
  instrumentVersion: number;
  /** Per profile field (in PROFILE_COLUMNS order), the distinct values of this batch. */
  profileDict: string[][];
  /** size × PROFILE_COLUMNS.length codes into profileDict. */
  profile: Uint8Array;
  companies: string[];
  itemIds: string[];
  /** Per item, the distinct answers of this batch. */
  answerDict: string[][];
  /** size × items: 0 for no answer, else 1 + the code into answerDict. */
  answers: Uint8Array;
  /** 1 when the participant gave numbers. */
  hasNumbers: Uint8Array;
  /** size × NumberFieldIds: NaN for blank; currency as its index in `currencies`. */
  numbers: Float64Array;
  currencies: string[];
  /** size × SCORE_FIELDS: NaN for null. */
  scores: Float64Array;
  createdAt: Float64Array;
}

export const PROFILE_COLUMNS = ['role', 'industry', 'employees', 'salesTeam', 'region', 'motion'] as const;
export const SCORE_FIELDS = ['value', 'number', 'winRate', 'cycle', 'velocity', 'approach', 'execution', 'personal'] as const;

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** Codes strings in order of first appearance. */
function dictionary() {
  const codes = new Map<string, number>();
  const values: string[] = [];
  return {
    values,
    code(value: string): number {
      let c = codes.get(value);
      if (c === undefined) {
        c = values.length;
        codes.set(value, c);
        values.push(value);
      }
      return c;
    },
  };
}

/** Encodes any range of synthetic participants; each one depends only on the seed and its index. */
export function syntheticBatchEncoder(instrument: Instrument, seed: number, first: number, now: number) {
  const generate = createSyntheticGenerator(instrument, seed);
  const itemIds = allItems(instrument).map((i) => i.id);
  return (start: number, size: number): EncodedBatch => {
    const profileDicts = PROFILE_COLUMNS.map(() => dictionary());
    const answerDicts = itemIds.map(() => dictionary());
    const currencies = dictionary();
    const batch: EncodedBatch = {
      firstId: first + start,
      size,
      instrumentId: instrument.id,
      instrumentVersion: instrument.version,
      profileDict: profileDicts.map((d) => d.values),
      profile: new Uint8Array(size * PROFILE_COLUMNS.length),
      companies: [],
      itemIds,
      answerDict: answerDicts.map((d) => d.values),
      answers: new Uint8Array(size * itemIds.length),
      hasNumbers: new Uint8Array(size),
      numbers: new Float64Array(size * NumberFieldIds.length).fill(NaN),
      currencies: currencies.values,
      scores: new Float64Array(size * SCORE_FIELDS.length),
      createdAt: new Float64Array(size),
    };
    for (let i = 0; i < size; i++) {
      const index = start + i;
      const s = generate(index);
      PROFILE_COLUMNS.forEach((f, c) => (batch.profile[i * PROFILE_COLUMNS.length + c] = profileDicts[c]!.code(s.profile[f])));
      batch.companies.push(s.profile.company);
      itemIds.forEach((id, k) => {
        const value = s.answers[id];
        batch.answers[i * itemIds.length + k] = value === undefined ? 0 : 1 + answerDicts[k]!.code(value);
      });
      if (s.numbers) {
        batch.hasNumbers[i] = 1;
        const given = s.numbers as Record<string, number | string | undefined>;
        NumberFieldIds.forEach((id, c) => {
          const v = given[id];
          if (v !== undefined) batch.numbers[i * NumberFieldIds.length + c] = typeof v === 'string' ? currencies.code(v) : v;
        });
      }
      const scored = scoreParticipant(instrument, s.answers);
      const all: Record<string, number | null> = { ...scored.company, ...scored.personal };
      SCORE_FIELDS.forEach((f, c) => (batch.scores[i * SCORE_FIELDS.length + c] = all[f] ?? NaN));
      batch.createdAt[i] = now - Math.floor((((index * 7919) % 10007) / 10007) * YEAR_MS);
    }
    return batch;
  };
}

/** The buffers to transfer rather than copy when a batch crosses threads. */
export function transferables(b: EncodedBatch): ArrayBuffer[] {
  return [b.profile, b.answers, b.hasNumbers, b.numbers, b.scores, b.createdAt].map((a) => a.buffer as ArrayBuffer);
}

/**
 * Peer statistics of encoded batches, tallied where the batches are made (a
 * worker thread, when seeding in parallel) so that the thread writing rows
 * does not also do this arithmetic.
 */
export function createBatchTally(instrument: Instrument) {
  const statsItems = companyItems(instrument);
  const stats = createStatsAccumulator(statsItems.map((i) => i.id));
  const measureColumns = MEASURES.map((m) => SCORE_FIELDS.indexOf(m));
  const dimensionColumns = COMPARE_DIMENSIONS.map((d) => PROFILE_COLUMNS.indexOf(d));
  const P = PROFILE_COLUMNS.length;
  const S = SCORE_FIELDS.length;
  return {
    stats,
    tally(b: EncodedBatch): void {
      const items = b.itemIds.length;
      const columns = statsItems.map((item) => b.itemIds.indexOf(item.id));
      // Score of each answer code of each item, worked out once per batch: codes are few, rows many.
      const byCode = columns.map((k, s) => Float64Array.from([NaN, ...(k < 0 ? [] : b.answerDict[k]!.map((v) => itemScore(instrument, statsItems[s]!, v) ?? NaN))]));
      // The tally of each dictionary code of each dimension, so that rows look their groups up by number.
      const tallyOf = dimensionColumns.map((c, j) => b.profileDict[c]!.map((key) => stats.group(COMPARE_DIMENSIONS[j]!, key)));
      const targets = [stats.group('all', ''), ...dimensionColumns.map(() => stats.group('all', '')), stats.group('all', '')];
      // The industry × employees band group of each pair of codes, looked up once per pair.
      const industryColumn = PROFILE_COLUMNS.indexOf('industry');
      const employeesColumn = PROFILE_COLUMNS.indexOf('employees');
      const pairs = new Map<number, ReturnType<typeof stats.group>>();
      const pairOf = (industry: number, employees: number) => {
        const id = industry * 65_536 + employees;
        let g = pairs.get(id);
        if (!g) pairs.set(id, (g = stats.group(INDUSTRY_EMPLOYEES, industryEmployeesKey(b.profileDict[industryColumn]![industry]!, b.profileDict[employeesColumn]![employees]!))));
        return g;
      };
      const measures = new Float64Array(MEASURES.length);
      const itemScores = new Float64Array(statsItems.length);
      for (let i = 0; i < b.size; i++) {
        for (let j = 0; j < dimensionColumns.length; j++) targets[j + 1] = tallyOf[j]![b.profile[i * P + dimensionColumns[j]!]!]!;
        targets[dimensionColumns.length + 1] = pairOf(b.profile[i * P + industryColumn]!, b.profile[i * P + employeesColumn]!);
        for (let m = 0; m < measureColumns.length; m++) measures[m] = b.scores[i * S + measureColumns[m]!]!;
        for (let s = 0; s < columns.length; s++) {
          const k = columns[s]!;
          itemScores[s] = k < 0 ? NaN : byCode[s]![b.answers[i * items + k]!]!;
        }
        stats.addTo(targets, measures, itemScores, 1);
      }
    },
  };
}

/** The buffers to transfer rather than copy when tallies cross threads. */
export function snapshotTransferables(snapshots: readonly TallySnapshot[]): ArrayBuffer[] {
  return snapshots.flatMap((s) => [s.fine.buffer, s.itemN.buffer, s.itemTotal.buffer] as ArrayBuffer[]);
}
