/**
 * Run by tests as a fresh process (tsx): writes one participant's company
 * report to a file and prints what the shaping cache did, as JSON. Which
 * cache it starts with is the caller's VELOCITY_CACHE_DIR.
 */
import { writeFileSync } from 'node:fs';
import { shapingStats } from '../../src/reports/fonts.ts';
import { renderReport } from '../../src/reports/render.ts';
import { openMigrated } from '../../src/server/db.ts';
import { findParticipant } from '../../src/server/repositories/participants.ts';
import { companyReportFor } from '../../src/server/services/reports.ts';

const [dbPath, id, out] = process.argv.slice(2);
const db = openMigrated(dbPath!);
writeFileSync(out!, await renderReport({ kind: 'company', model: companyReportFor(db, findParticipant(db, Number(id))!, 5)! }));
db.$client.close();
console.log(JSON.stringify(shapingStats()));
