import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * A text column ordered as SQLite orders it: by its bytes (SQLite's BINARY
 * collation), not by the database's locale, which would sort "Zeta" after
 * "acme" or ignore punctuation.
 */
export function bytewise(column: AnyColumn): SQL {
  return sql`${column} collate "C"`;
}
