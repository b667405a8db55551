import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { firstActions } from '../../domain/actions.ts';
import { primaryFactor } from '../../domain/factors.ts';
import { SubIndexKeys, type SubIndexKey } from '../../domain/instrument.ts';
import { roleGroup } from '../../domain/profile.ts';
import { parseResponse } from '../../domain/response.ts';
import { companyCategory, personalCategory, revenuePotential, scoreParticipant } from '../../domain/scoring.ts';
import { loadInstrument } from '../../server/instrument-loader.ts';
import { UsageError } from '../errors.ts';

const LABELS = { value: 'Value', number: 'Number', winRate: 'Win Rate', cycle: 'Cycle' } as const;

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

export function scoreCommand() {
  return new Command('score')
    .description('Score one response file ({ profile, answers, numbers? }) and print the indices and the first five actions.')
    .requiredOption('--in <file>', 'response JSON: profile and answers keyed by item id')
    .option('--json', 'print JSON instead of text')
    .action((opts: { in: string; json?: boolean }) => {
      const instrument = loadInstrument();
      const parsed = parseResponse(instrument, readJson(opts.in));
      if (!parsed.ok) {
        throw new UsageError(`${opts.in}: ${parsed.errors[0]}${parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more)` : ''}`);
      }
      const s = scoreParticipant(instrument, parsed.response.answers);
      if (s.company.velocity === null) throw new UsageError(`${opts.in}: no company item has a scored answer, so there is nothing to score`);
      const audience = roleGroup(instrument, parsed.response.profile.role) === 'seller' ? 'seller' : 'leader';
      const actions = firstActions(instrument, s.itemScores, s.company, audience).map((a) => ({
        kind: a.kind,
        item: a.item.id,
        short: a.item.short,
        factor: primaryFactor(a.item),
        score: Math.round(a.score * 100),
        sentence: a.sentence,
      }));
      const answeredFactors = SubIndexKeys.filter((k) => s.company[k] !== null);
      // The factor to pull first: the lowest sub-index, instrument factor order on a tie.
      const weakestFactor = answeredFactors.reduce<SubIndexKey | null>((low, k) => (low === null || s.company[k]! < s.company[low]! ? k : low), null);
      const subIndices = Object.fromEntries(
        SubIndexKeys.map((k) => {
          const v = s.company[k];
          return [k, { score: v, potential: v === null ? null : revenuePotential(instrument, v).label }];
        }),
      );
      const result = {
        instrument: `${instrument.id}@${instrument.version}`,
        velocityIndex: s.company.velocity,
        category: companyCategory(instrument, s.company.velocity).label,
        subIndices,
        weakestFactor,
        personalIndex: s.personal.personal,
        personalCategory: s.personal.personal === null ? null : personalCategory(instrument, s.personal.personal).label,
        approach: s.personal.approach,
        execution: s.personal.execution,
        actions,
      };
      if (opts.json) {
        console.log(JSON.stringify(result, null, 2));
        return;
      }
      const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(1));
      console.log(`Velocity Index  ${fmt(result.velocityIndex)}  ${result.category}`);
      for (const k of SubIndexKeys) {
        const sub = subIndices[k]!;
        console.log(`  ${LABELS[k].padEnd(9)}     ${fmt(sub.score)}  revenue increase potential: ${sub.potential ?? '—'}`);
      }
      console.log(`Personal Index  ${fmt(result.personalIndex)}  ${result.personalCategory ?? ''}  (approach ${fmt(result.approach)}, execution ${fmt(result.execution)})`);
      if (weakestFactor) console.log(`Factor to pull first: ${LABELS[weakestFactor]}`);
      console.log(audience === 'seller' ? 'First five actions in your own deals:' : 'First five actions:');
      actions.forEach((a, i) => console.log(`  ${i + 1}. ${a.kind.toUpperCase().padEnd(6)} ${a.sentence} (${a.short}, score ${a.score})`));
    });
}
