import { Command } from 'commander';
import { opportunitiesPerStage, pipelineCoverage, whatIf, winRates } from '../../domain/numbers.ts';
import { formatChange, formatPercent, formatRatio, formatStageCount, groupThousands } from '../../domain/number-format.ts';
import { numberOption, UsageError } from '../errors.ts';

interface NumbersOptions {
  opportunities: number;
  dealValue: number;
  winRate: number;
  cycleDays: number;
  quota?: number;
  pipeline?: number;
  wonCount?: number;
  wonValue?: number;
  lostCount?: number;
  lostValue?: number;
  openCount?: number;
  openValue?: number;
  stageRates?: number[];
  json?: boolean;
}

function stageRates(raw: string): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.length < 1 || parts.length > 6) throw new UsageError('--stage-rates takes one to six percentages, e.g. 50,50,50');
  return parts.map((p) => numberOption('each stage rate', { min: 0.1, max: 100 })(p));
}

const money = groupThousands;
const pct = (x: number | null) => (x === null ? '—' : formatPercent(x));

export function numbersCommand() {
  const nonNeg = (name: string, integer = false) => numberOption(name, { min: 0, integer });
  return new Command('numbers')
    .description('The numbers page: sales velocity, the compounded what-if, win rates, coverage and stage ratios.')
    .requiredOption('--opportunities <n>', 'qualified opportunities per quarter', nonNeg('--opportunities'))
    .requiredOption('--deal-value <v>', 'average deal value', nonNeg('--deal-value'))
    .requiredOption('--win-rate <w>', 'win rate, percent', numberOption('--win-rate', { min: 0, max: 100 }))
    .requiredOption('--cycle-days <l>', 'average sales cycle in days', numberOption('--cycle-days', { positive: true }))
    .option('--quota <q>', 'quota per quarter', nonNeg('--quota'))
    .option('--pipeline <p>', 'open pipeline value', nonNeg('--pipeline'))
    .option('--won-count <c>', 'deals won last period', nonNeg('--won-count', true))
    .option('--won-value <x>', 'value won last period', nonNeg('--won-value'))
    .option('--lost-count <c>', 'deals lost last period', nonNeg('--lost-count', true))
    .option('--lost-value <x>', 'value lost last period', nonNeg('--lost-value'))
    .option('--open-count <c>', 'deals still open', nonNeg('--open-count', true))
    .option('--open-value <x>', 'value still open', nonNeg('--open-value'))
    .option('--stage-rates <list>', 'stage-to-stage conversion percentages, e.g. 50,50,50', stageRates)
    .option('--json', 'print JSON instead of text')
    .action((o: NumbersOptions) => {
      const input = { opportunities: o.opportunities, dealValue: o.dealValue, winRate: o.winRate, cycleDays: o.cycleDays };
      const w = whatIf(input);
      const outcomeFlags = [o.wonCount, o.wonValue, o.lostCount, o.lostValue];
      if (outcomeFlags.some((v) => v !== undefined) && outcomeFlags.some((v) => v === undefined)) {
        throw new UsageError('win rates need all four of --won-count, --won-value, --lost-count and --lost-value');
      }
      if ((o.quota === undefined) !== (o.pipeline === undefined)) throw new UsageError('coverage needs both --quota and --pipeline');
      const rates = outcomeFlags.every((v) => v !== undefined)
        ? winRates({ wonCount: o.wonCount!, wonValue: o.wonValue!, lostCount: o.lostCount!, lostValue: o.lostValue!, openCount: o.openCount, openValue: o.openValue })
        : null;
      const coverage = o.quota !== undefined && o.pipeline !== undefined ? pipelineCoverage(o.pipeline, o.quota) : null;
      const stages = o.stageRates ? opportunitiesPerStage(o.stageRates) : null;
      const result = {
        velocity: { perDay: w.before.perDay, perQuarter: w.before.perQuarter },
        whatIf: { levers: '+10 % opportunities, +10 % deal value, +10 % win rate, -10 % cycle', factor: w.factor, uplift: w.uplift, perDay: w.after.perDay, perQuarter: w.after.perQuarter, single: w.single },
        winRates: rates,
        coverage,
        opportunitiesPerStage: stages,
      };
      if (o.json) {
        console.log(JSON.stringify(result, null, 2));
        return;
      }
      console.log(`Sales velocity: ${money(w.before.perDay)} per day, ${money(w.before.perQuarter)} per quarter`);
      console.log(`What if (+10 % on each lever, 10 % shorter cycle): ${money(w.after.perDay)} per day, ${formatChange(w.uplift)}`);
      if (rates) {
        console.log(`Win rate by count ${pct(rates.unit)}, by value ${pct(rates.value)}`);
        if (o.openCount !== undefined || o.openValue !== undefined) {
          console.log(`  with open deals counted as not won: ${pct(rates.unitWithOpen)} by count, ${pct(rates.valueWithOpen)} by value`);
        }
      }
      if (coverage) console.log(`Pipeline coverage ${formatRatio(coverage.ratio)} against the ${coverage.rule} : 1 rule${coverage.meetsRule ? '' : `, ${money(coverage.shortfall)} short`}`);
      else if (o.quota !== undefined) console.log('Pipeline coverage: a quota of 0 has no coverage ratio');
      if (o.stageRates) {
        console.log(stages ? `Opportunities per stage for one win: ${stages.map(formatStageCount).join(' : ')}` : 'A stage converting 0 % never yields a win.');
      }
    });
}
