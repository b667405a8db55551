/**
 * The suites `npm run test:pg` runs a second time on PostgreSQL (they take
 * their stores from tests/helpers/test-store.ts). A suite about SQLite itself
 * (its file, WAL, pragmas, quick_check, backups of the file) is not listed:
 * PostgreSQL has tests of its own under tests/pg.
 */
export const PG_SUITES: string[] = [
  // Consultants, sessions, sign-in limits, rate limits, settings, invitations, the outbox and the weekly summary.
  'tests/server/consultants.test.ts',
  'tests/server/invitations.test.ts',
  'tests/mail/outbox-worker.test.ts',
  'tests/mail/exactly-once.test.ts',
  'tests/mail/loop.test.ts',
  'tests/mail/summary.test.ts',
  'tests/mail/resume-link.test.ts',
  'tests/security/lockout.test.ts',
  'tests/security/sign-in-race.test.ts',
];
