import { optionsOf } from '../../src/domain/answers.ts';
import type { Instrument, Item } from '../../src/domain/instrument.ts';
import { allItems } from '../../src/domain/scoring.ts';
import { loadInstrument } from '../../src/server/instrument-loader.ts';

/** The real questionnaire in force (INSTRUMENT, templates/instruments/velocity-v2.yaml by default). */
export const instrument: Instrument = loadInstrument();

/** A valid answer to every item: the middle option, or the middle of a number item's range. */
export function completeAnswers(inst: Instrument = instrument, pick: (item: Item) => string | undefined = () => undefined): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const item of allItems(inst)) {
    const chosen = pick(item);
    if (chosen !== undefined) {
      answers[item.id] = chosen;
    } else if (item.kind === 'number') {
      answers[item.id] = String(Math.round((item.min + item.max) / 2));
    } else {
      const options = optionsOf(inst, item);
      answers[item.id] = options[Math.floor(options.length / 2)]!.id;
    }
  }
  return answers;
}

/** The first choice of every profile field and a company name: a profile parseResponse accepts. */
export function validProfile(inst: Instrument = instrument): Record<string, string> {
  return Object.fromEntries(inst.profile.map((f) => [f.id, f.kind === 'choice' ? f.options[0]!.id : 'Acme Testing Ltd']));
}
