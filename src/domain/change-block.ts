import { dumbbellGeometry, type Dumbbell } from './chart-geometry.ts';
import { BOOTSTRAP_RESAMPLES, changeRows, INTERVAL_LEVEL, type ChangeRow, type RoundComparison } from './trend.ts';

/** Whose change a block shows: the company's figures, or one person's own answers against their previous response. */
export type ChangeWhose = 'company' | 'own';

/** "Change since round N − 1" as a report prints it (HTML and PDF alike). */
export interface ChangeBlock {
  title: string;
  whose: ChangeWhose;
  roundBefore: number;
  roundAfter: number;
  intro: string;
  /** Empty when the questionnaire changed between the rounds: nothing is compared then. */
  rows: ChangeRow[];
  /** Who is behind each side. */
  sizes: string;
  /** Before (first dot) and after (second dot) on one 0–100 axis per row; null when nothing is compared. */
  chart: Dumbbell | null;
  /** The method, for the methodology section. */
  method: string;
}

const percent = Math.round(INTERVAL_LEVEL * 100);
const resamples = BOOTSTRAP_RESAMPLES.toLocaleString('en-GB');

function methodText(whose: ChangeWhose): string {
  const what =
    whose === 'company'
      ? `each round’s respondents are drawn again at random, with replacement, ${resamples} times, and each draw is scored exactly as the company figures are (the mean of every question, then the factors and the index)`
      : `the questions behind each factor are drawn again at random, with replacement, ${resamples} times, and both of your responses are scored over each draw`;
  return (
    `Change since the last round: the later score minus the earlier one, on the same questionnaire version only. ` +
    `To tell a real change from noise, ${what}. The middle ${percent} % of the resulting changes is the range given beside each change; ` +
    `a change whose range includes zero is called within noise, because reshuffling the same ${whose === 'company' ? 'people' : 'questions'} moves the score as much. ` +
    (whose === 'company'
      ? 'Small groups have wide ranges: with few respondents only a large change stands out, which is why each side’s number of respondents is given.'
      : 'One person’s change is measured against their own earlier answers only; nobody else’s answers are involved.')
  );
}

export function changeBlock(comparison: RoundComparison, whose: ChangeWhose): ChangeBlock {
  const { roundBefore, roundAfter } = comparison;
  const title = `Change since round ${roundBefore}`;
  const subject = whose === 'company' ? 'your company’s figures' : 'your own answers';
  if (comparison.status === 'questionnaire-changed') {
    return {
      title,
      whose,
      roundBefore,
      roundAfter,
      intro: `The questionnaire changed between round ${roundBefore} and round ${roundAfter}, so ${subject} of the two rounds are not compared: scores from different questions are not like for like.`,
      rows: [],
      sizes: '',
      chart: null,
      method: methodText(whose),
    };
  }
  const rows = changeRows(comparison.trend);
  const { nBefore, nAfter } = comparison.trend;
  const comparable = rows.filter((r) => r.before !== null && r.after !== null);
  return {
    title,
    whose,
    roundBefore,
    roundAfter,
    intro:
      whose === 'company'
        ? `How your company’s figures moved from round ${roundBefore} to round ${roundAfter}. A change marked within noise is no larger than chance produces with this many respondents: treat it as steady.`
        : `How your own answers moved from your response in round ${roundBefore} to this one. A change marked within noise is no larger than the choice of questions alone produces: treat it as steady.`,
    rows,
    sizes:
      whose === 'company'
        ? `${nBefore} respondents in round ${roundBefore}, ${nAfter} in round ${roundAfter}.`
        : `Your response in round ${roundBefore} against this one in round ${roundAfter}.`,
    chart: comparable.length === rows.length ? dumbbellGeometry(rows.map((r) => ({ leaders: r.before!, sellers: r.after! }))) : null,
    method: methodText(whose),
  };
}
