import type { Db } from '../../../db/client.ts';
import type { NewScoreRow } from '../../../db/schema.ts';
import { NumberFieldIds } from '../../domain/instrument.ts';
import type { Profile, YourNumbers } from '../../domain/profile.ts';

/**
 * Bulk writes for seeding: plain prepared statements with many rows per
 * statement, because a million participants through the query builder would
 * spend more time building SQL than SQLite spends storing it.
 */
export interface BulkParticipant {
  id: number;
  profile: Profile;
  instrumentId: string;
  instrumentVersion: number;
  resumeTokenHash: string;
  createdAt: number;
  answers: Record<string, string>;
  numbers: YourNumbers | null;
  score: NewScoreRow;
}

const ROWS_PER_STATEMENT = 64;
const NUMBER_COLUMNS = NumberFieldIds.map((id) => id.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

function multiInsert(db: Db, table: string, columns: readonly string[]) {
  const one = `(${columns.map(() => '?').join(',')})`;
  const head = `INSERT INTO ${table} (${columns.join(',')}) VALUES `;
  const full = db.$client.prepare(head + Array(ROWS_PER_STATEMENT).fill(one).join(','));
  const width = columns.length;
  let buffer: unknown[] = [];
  return {
    add(values: unknown[]) {
      for (const v of values) buffer.push(v);
      if (buffer.length === ROWS_PER_STATEMENT * width) {
        full.run(buffer);
        buffer = [];
      }
    },
    flush() {
      if (buffer.length === 0) return;
      db.$client.prepare(head + Array(buffer.length / width).fill(one).join(',')).run(buffer);
      buffer = [];
    },
  };
}

const SCORE_COLUMNS = [
  'participant_id', 'value', 'number', 'win_rate', 'cycle', 'velocity', 'approach', 'execution', 'personal',
  'study_id', 'company_id', 'role', 'industry', 'employees', 'sales_team', 'region', 'motion',
  'instrument_version', 'computed_at',
] as const;

export function createBulkWriter(db: Db) {
  const participantsIns = multiInsert(db, 'participants', [
    'id', 'role', 'company_name', 'industry', 'employees', 'sales_team', 'region', 'motion',
    'instrument_id', 'instrument_version', 'status', 'resume_token_hash', 'created_at', 'updated_at', 'completed_at',
  ]);
  const answersIns = multiInsert(db, 'answers', ['participant_id', 'item_id', 'value']);
  const numbersIns = multiInsert(db, 'participant_numbers', ['participant_id', ...NUMBER_COLUMNS]);
  const scoresIns = multiInsert(db, 'scores', SCORE_COLUMNS);
  const flushAll = () => [participantsIns, answersIns, numbersIns, scoresIns].forEach((s) => s.flush());

  const writeBatch = db.$client.transaction((batch: readonly BulkParticipant[]) => {
    for (const p of batch) {
      const pr = p.profile;
      participantsIns.add([
        p.id, pr.role, pr.company, pr.industry, pr.employees, pr.salesTeam, pr.region, pr.motion,
        p.instrumentId, p.instrumentVersion, 'completed', p.resumeTokenHash, p.createdAt, p.createdAt, p.createdAt,
      ]);
    }
    // Parents before children, so the foreign keys hold at every statement.
    participantsIns.flush();
    for (const p of batch) {
      for (const itemId in p.answers) answersIns.add([p.id, itemId, p.answers[itemId]]);
      if (p.numbers) {
        const n = p.numbers as Record<string, number | string | undefined>;
        numbersIns.add([p.id, ...NumberFieldIds.map((id) => n[id] ?? null)]);
      }
      const s = p.score;
      scoresIns.add([
        s.participantId, s.value, s.number, s.winRate, s.cycle, s.velocity, s.approach, s.execution, s.personal,
        s.studyId ?? null, s.companyId ?? null, s.role, s.industry, s.employees, s.salesTeam, s.region, s.motion,
        s.instrumentVersion, (s.computedAt as Date).getTime(),
      ]);
    }
    flushAll();
  });

  return {
    /**
     * Large loads drop the secondary indexes and build them again at the end:
     * one sort per index is far cheaper than a million random inserts into it.
     * Returns the statements that recreate them, read from the schema itself.
     */
    dropSecondaryIndexes(): string[] {
      const rows = db.$client
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('participants', 'scores', 'answers', 'participant_numbers') AND sql IS NOT NULL")
        .all() as { name: string; sql: string }[];
      for (const r of rows) db.$client.exec(`DROP INDEX "${r.name}"`);
      return rows.map((r) => r.sql);
    },
    createIndexes(statements: readonly string[]): void {
      db.$client.transaction(() => statements.forEach((sql) => db.$client.exec(sql)))();
    },
    nextId: (): number =>
      (db.$client.prepare('SELECT coalesce(max(id), 0) + 1 AS id FROM participants').get() as { id: number }).id,
    write: (batch: readonly BulkParticipant[]) => writeBatch(batch),
  };
}
