/**
 * Child of bench/pdf.ts: renders one company report in a fresh process and
 * prints the milliseconds from before loading the renderer to the finished PDF.
 */
export {};

const started = performance.now();
const [dbPath, id] = process.argv.slice(2);
const { openMigrated } = await import('../src/server/db.ts');
const { findParticipant } = await import('../src/server/repositories/participants.ts');
const { companyReportFor } = await import('../src/server/services/reports.ts');
const { renderReport } = await import('../src/reports/render.ts');
const db = openMigrated(dbPath!);
const model = companyReportFor(db, findParticipant(db, Number(id))!, 5)!;
const pdf = await renderReport({ kind: 'company', model });
console.log(JSON.stringify({ ms: performance.now() - started, bytes: pdf.length }));
