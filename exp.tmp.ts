import { openMigrated } from './src/server/db.ts';
import { loadInstrument } from './src/server/instrument-loader.ts';
import { seedParticipants } from './src/server/services/seed.ts';
import { rmSync } from 'node:fs';
const inst = loadInstrument();
for (const drop of process.argv.slice(2)) {
  rmSync('/tmp/e.sqlite', { force: true }); rmSync('/tmp/e.sqlite-wal', { force: true }); rmSync('/tmp/e.sqlite-shm', { force: true });
  const db = openMigrated('/tmp/e.sqlite');
  if (drop === 'noidx') for (const i of ['scores_velocity_idx','scores_industry_velocity_idx','scores_employees_velocity_idx','scores_industry_employees_velocity_idx','scores_role_personal_idx','scores_personal_idx','scores_study_idx']) db.$client.exec(`DROP INDEX ${i}`);
  if (drop === 'nofk') db.$client.pragma('foreign_keys = OFF');
  const t = performance.now();
  seedParticipants(db, inst, { count: 100000, seed: 3 });
  console.log(drop, performance.now() - t);
  db.$client.close();
}
