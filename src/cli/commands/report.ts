import { Command, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { renderReport } from '../../reports/render.ts';
import { config } from '../../server/config.ts';
import { closeStore } from '../../server/repositories/database-admin.ts';
import { findParticipant } from '../../server/repositories/participants.ts';
import { companyReportFor, personalReportFor } from '../../server/services/reports.ts';
import { openExistingDb } from '../context.ts';
import { numberOption, UsageError } from '../errors.ts';

export function reportCommand() {
  return new Command('report')
    .description("Render a participant's company or personal report to a PDF file.")
    .requiredOption('--participant <id>', 'participant id', numberOption('--participant', { min: 1, integer: true }))
    .addOption(new Option('--kind <kind>', 'which report').choices(['company', 'personal']).makeOptionMandatory())
    .requiredOption('--out <file>', 'PDF file to write')
    .action(async (opts: { participant: number; kind: 'company' | 'personal'; out: string }, cmd: Command) => {
      // One report: render it on this thread. A render pool's threads would only add their own start (unless asked for).
      process.env.RENDER_WORKERS ??= '0';
      const db = await openExistingDb(cmd);
      const participant = await findParticipant(db, opts.participant);
      if (!participant) throw new UsageError(`there is no participant ${opts.participant}`);
      const k = config().PEER_MIN_GROUP;
      const started = performance.now();
      const pdf =
        opts.kind === 'company'
          ? await renderModel('company', await companyReportFor(db, participant, k))
          : await renderModel('personal', await personalReportFor(db, participant, k));
      await closeStore(db);
      try {
        writeFileSync(opts.out, pdf);
      } catch (e) {
        throw new UsageError(`cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      console.log(`Wrote ${opts.out} (${Math.round(pdf.length / 1024)} KB) in ${Math.round(performance.now() - started)} ms.`);

      async function renderModel<K extends 'company' | 'personal'>(kind: K, model: unknown) {
        if (!model) throw new UsageError(`participant ${opts.participant} has not finished the assessment, so there is no report yet`);
        return renderReport({ kind, model } as Parameters<typeof renderReport>[0]);
      }
    });
}
