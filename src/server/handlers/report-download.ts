import type { Db } from '../../../db/client.ts';
import type { Participant } from '../../../db/schema.ts';
import { reportFileName } from '../../domain/file-names.ts';
import type { NumberStyle } from '../../domain/number-format.ts';
import { renderReport } from '../../reports/render.ts';
import { config } from '../config.ts';
import { db } from '../db.ts';
import { companyReportFor, personalReportFor } from '../services/reports.ts';

/** The PDF download of a participant's report, or null when there is none yet. */
export async function reportDownload(
  participant: Participant,
  kind: 'company' | 'personal',
  options: { disposition?: 'attachment' | 'inline'; reader?: boolean; database?: Db; numberStyle?: NumberStyle; waveId?: number } = {},
): Promise<Response | null> {
  const k = config().PEER_MIN_GROUP;
  const database = options.database ?? db();
  const disposition = options.disposition ?? 'attachment';
  const model =
    kind === 'company' ? companyReportFor(database, participant, k, new Date(), { reader: options.reader ?? true, numberStyle: options.numberStyle, waveId: options.waveId })
      : personalReportFor(database, participant, k, new Date(), options.numberStyle);
  if (!model) return null;
  const pdf = await renderReport({ kind, model } as Parameters<typeof renderReport>[0]);
  const name = reportFileName(kind, model.meta.company, model.meta.date);
  return new Response(new Uint8Array(pdf), {
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `${disposition}; filename="${name}"`,
      'cache-control': 'private, no-store',
    },
  });
}
