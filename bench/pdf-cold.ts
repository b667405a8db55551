/**
 * Child of bench/pdf.ts: renders one company report in a fresh process and
 * prints two times to the finished PDF: `ms` from the first line of this
 * script (before loading the renderer and the project's modules), and
 * `sinceProcessStart` from the start of the process (performance.now() counts
 * from there), which adds Node's own start and, under tsx, tsx's.
 * bench/pdf.ts runs it under tsx, and compiled into one file by esbuild with
 * the dependencies left in node_modules, as the built server runs, with the
 * caches a started site has or with none (VELOCITY_CACHE_DIR, NODE_COMPILE_CACHE).
 */
export {};

const started = performance.now();
const [dbPath, id] = process.argv.slice(2);
const { openMigrated } = await import('../src/server/db.ts');
const { findParticipant } = await import('../src/server/repositories/participants.ts');
const { companyReportFor } = await import('../src/server/services/reports.ts');
const { renderReport } = await import('../src/reports/render.ts');
const imported = performance.now();
const db = openMigrated(dbPath!);
const model = (await companyReportFor(db, (await findParticipant(db, Number(id)))!, 5))!;
const modelled = performance.now();
const pdf = await renderReport({ kind: 'company', model });
const done = performance.now();
console.log(
  JSON.stringify({
    ms: done - started,
    sinceProcessStart: done,
    bytes: pdf.length,
    parts: { start: started, imports: imported - started, model: modelled - imported, render: done - modelled },
  }),
);
