import { Command } from 'commander';
import { primeShapingCache } from '../../server/services/shaping-prime.ts';
import { numberOption } from '../errors.ts';

/**
 * `shaping prime`: fills the renderer's shaping cache on disk from synthetic
 * participants, so that a fresh process's first report finds the reports'
 * common text already shaped. The site build runs it (scripts/build-state.ts).
 */
export function shapingCommand() {
  const shaping = new Command('shaping').description("The PDF renderer's cache of shaped report text.");
  shaping
    .command('prime')
    .description('Shape the text of synthetic participants\' reports and store it for fresh processes (replaces the stored cache).')
    .option('--participants <n>', 'synthetic participants whose two reports are rendered', numberOption('--participants', { min: 1, max: 200, integer: true }), 24)
    .action(async (opts: { participants: number }) => {
      const started = performance.now();
      const r = await primeShapingCache(opts.participants);
      if (r.written.some((w) => !w)) console.warn(`Could not write every file of the shaping cache (${r.files.join(', ')}); fresh processes will shape report text on their first render.`);
      console.log(
        `Shaped ${r.reports} reports of ${r.participants} synthetic participants in ${((performance.now() - started) / 1000).toFixed(1)} s: ${r.runs.join(' + ')} text runs stored in ${r.files.join(', ')}.`,
      );
    });
  return shaping;
}
