import type { APIRoute } from 'astro';
import { db, serverDatabasePath } from '../server/db.ts';
import { rendererFailed, rendererIsWarm } from '../server/renderer-warm-up.ts';
import { storageFaultOf } from '../server/storage-fault.ts';
import { checkPgReadiness, checkStorage, type Problem } from '../server/storage-health.ts';
import type { Store } from '../server/data/store.ts';

/**
 * Readiness: 200 only when the database opens and can be written (SQLite:
 * file and folder writable, space left, checkpoints working, no recent
 * failed write; PostgreSQL: it answers at once and the pool has a
 * connection free, src/server/storage-health.ts checkPgReadiness) and the
 * PDF renderer is warm; else 503 naming what is wrong. Only the names of
 * problems and sizes: no path, no address, no one's data.
 */
export const GET: APIRoute = async () => {
  const problems: Problem[] = [];
  let store: Store | undefined;
  try {
    store = db();
  } catch (e) {
    const fault = storageFaultOf(e);
    problems.push({ name: 'database-unavailable', detail: `the database cannot be opened (${fault?.problem ?? 'error'})` });
  }
  if (store?.backend === 'pg') problems.push(...(await checkPgReadiness(store.pool)));
  else if (store) problems.push(...checkStorage(serverDatabasePath()));
  const renderer = rendererFailed() ? 'failed' : rendererIsWarm() ? 'warm' : 'warming';
  const ready = problems.length === 0 && renderer === 'warm';
  return new Response(JSON.stringify({ ready, database: problems.length === 0 ? 'writable' : 'not-writable', renderer, problems }), {
    status: ready ? 200 : 503,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...(ready ? {} : { 'retry-after': '10' }) },
  });
};
