import { Command } from 'commander';
import { relative } from 'node:path';
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
    .description("Render synthetic participants' reports (from a database in memory; --db is not read) and store their shaped text for fresh processes, replacing what was stored.")
    .option('--participants <n>', 'synthetic participants whose two reports are rendered', numberOption('--participants', { min: 1, max: 200, integer: true }), 24)
    .action(async (opts: { participants: number }) => {
      const started = performance.now();
      const r = await primeShapingCache(opts.participants);
      const files = r.files.map((f) => relative(process.cwd(), f)).join(', ');
      if (r.written.some((w) => !w)) console.warn(`Could not write every file of the shaping cache (${files}); fresh processes will shape report text on their first render.`);
      console.log(`Shaped ${r.reports} reports of ${r.participants} synthetic participants in ${((performance.now() - started) / 1000).toFixed(1)} s: ${r.runs.join(' + ')} text runs stored in ${files}.`);
    });
  return shaping;
}
