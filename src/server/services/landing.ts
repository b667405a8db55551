import type { Db } from '../../../db/client.ts';
import type { Instrument, ProfileFieldId } from '../../domain/instrument.ts';
import { profileChoices } from '../../domain/profile.ts';
import { companyItems, personalItems } from '../../domain/scoring.ts';
import { participantTotal, sizesBy } from '../repositories/scores.ts';

export interface GroupSize {
  label: string;
  /** Null when the group is below the minimum size: it is not shown, for anonymity. */
  n: number | null;
}

export interface LandingStats {
  participants: number;
  minGroup: number;
  questions: number;
  minutes: number;
  groups: { title: string; sizes: GroupSize[] }[];
}

/** Roughly 20 seconds a question, rounded up to five minutes. */
function minutesFor(questions: number): number {
  return Math.ceil((questions * 20) / 60 / 5) * 5;
}

export function landingStats(db: Db, instrument: Instrument, minGroup: number): LandingStats {
  const dimension = (id: ProfileFieldId, column: 'industry' | 'employees' | 'region', title: string) => {
    const counts = new Map(sizesBy(db, column, instrument.version).map((r) => [r.key, r.n]));
    return {
      title,
      sizes: profileChoices(instrument, id).map((o) => {
        const n = counts.get(o.id) ?? 0;
        return { label: o.label, n: n >= minGroup ? n : null };
      }),
    };
  };
  const questions = companyItems(instrument).length + personalItems(instrument).length;
  return {
    participants: participantTotal(db, instrument.version),
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
