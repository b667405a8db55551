import { Command } from 'commander';
import { primaryFactor, primaryItemCounts } from '../../domain/factors.ts';
import { SubIndexKeys, type SubIndexKey } from '../../domain/instrument.ts';
import { companyItems, personalItems } from '../../domain/scoring.ts';

const FACTOR_NAMES: Record<SubIndexKey, string> = { value: 'Value', number: 'Number', winRate: 'Win rate', cycle: 'Cycle' };
import { instrumentPath, readInstrumentFile } from '../../server/instrument-loader.ts';
import { UsageError } from '../errors.ts';

export function instrumentCommand() {
  const instrument = new Command('instrument').description('Work with instrument (questionnaire) files.');
  instrument
    .command('check')
    .description('Validate and lint an instrument file (default: the current instrument).')
    .argument('[file]', 'YAML file to check')
    .action((file: string | undefined) => {
      const path = file ?? instrumentPath();
      const result = readInstrumentFile(path);
      if (!result.ok) {
        for (const e of result.errors.slice(1)) process.stderr.write(`  ${e}\n`);
        throw new UsageError(`${path}: ${result.errors[0]}${result.errors.length > 1 ? ` (${result.errors.length} problems, listed above)` : ''}`);
      }
      const i = result.instrument;
      console.log(
        `${path}: ${i.id} version ${i.version}${i.legacy ? ' (legacy: scores earlier responses only)' : ''} is valid — ${companyItems(i).length} company items in ${i.company.sections.length} sections, ` +
          `${personalItems(i).length} personal items in ${i.personal.sections.length} sections.`,
      );
      const counts = primaryItemCounts(i);
      const actors = (key: SubIndexKey) => companyItems(i).filter((item) => primaryFactor(item) === key && item.actor === 'team').length;
      console.log(`Primary items per factor: ${SubIndexKeys.map((k) => `${FACTOR_NAMES[k]} ${counts[k]} (${actors(k)} a seller can act on)`).join(', ')}.`);
    });
  return instrument;
}
