import type { APIRoute } from 'astro';
import { db, serverDatabasePath } from '../server/db.ts';
import { rendererIsWarm } from '../server/renderer-warm-up.ts';
import { storageFaultOf } from '../server/storage-fault.ts';
import { checkStorage, type Problem } from '../server/storage-health.ts';

/**
 * Readiness: 200 only when the database opens and can be written (file and
 * folder writable, space left, checkpoints working, no recent failed write)
 * and the PDF renderer is warm; else 503 naming what is wrong. Only the
 * names of problems and sizes: no path, no one's data.
 */
export const GET: APIRoute = () => {
  const problems: Problem[] = [];
  let opened = false;
  try {
    db();
    opened = true;
  } catch (e) {
    const fault = storageFaultOf(e);
    problems.push({ name: 'database-unavailable', detail: `the database cannot be opened (${fault?.problem ?? 'error'})` });
  }
  if (opened) problems.push(...checkStorage(serverDatabasePath()));
  const renderer = rendererIsWarm() ? 'warm' : 'warming';
  const ready = problems.length === 0 && renderer === 'warm';
  return new Response(JSON.stringify({ ready, database: problems.length === 0 ? 'writable' : 'not-writable', renderer, problems }), {
    status: ready ? 200 : 503,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...(ready ? {} : { 'retry-after': '10' }) },
  });
};
