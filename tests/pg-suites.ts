/**
 * The suites `npm run test:pg` runs a second time on PostgreSQL (they take
 * their stores from tests/helpers/test-store.ts). A suite about SQLite itself
 * (its file, WAL, pragmas, quick_check, backups of the file) is not listed:
 * PostgreSQL has tests of its own under tests/pg. Nor is a suite whose
 * subject takes no different path on PostgreSQL: it would only run the same
 * code twice (each such one is named where it would stand, with why).
 */
export const PG_SUITES: string[] = [
  'tests/server/answers.test.ts',
  'tests/server/company-view.test.ts',
  'tests/server/finish.test.ts',
  'tests/server/genuine.test.ts',
  'tests/server/retake.test.ts',
  'tests/server/sample.test.ts',
  'tests/server/study-repositories.test.ts',
  'tests/server/study-brand.test.ts',
  'tests/server/trends.test.ts',
  'tests/server/waves.test.ts',
  'tests/security/colleague-inference.test.ts',
  // The peer statistics and seeding.
  'tests/server/landing.test.ts',
  'tests/server/peer-figures.test.ts',
  'tests/server/peer-stats.test.ts',
  'tests/server/peers.test.ts',
  'tests/server/seed.test.ts',
  // Lock keys of the hot transactions.
  'tests/server/lock-keys.test.ts',
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
  // The site's suites: the built server on the test's database.
  // Not tests/site/print.test.ts (the print stylesheet and page breaks of pages quest.test.ts reads on PostgreSQL) nor
  // tests/site/warm-up.test.ts (the compile cache and the sample report, which has a database of its own in memory).
  'tests/site/errors.test.ts',
  'tests/site/forms.test.ts',
  'tests/site/landing.test.ts',
  'tests/site/compare.test.ts',
  'tests/site/consultant.test.ts',
  'tests/site/study-brand.test.ts',
  'tests/site/study-dashboard.test.ts',
  'tests/site/waves.test.ts',
  'tests/site/quest.test.ts',
  'tests/site/mail.test.ts',
  'tests/site/invitations.test.ts',
  // Not tests/site/render-pool.test.ts: the pool's admission, its 503 page and a dying thread are the same whatever
  // the backend, and a report's download on PostgreSQL (its data read, then rendered by the pool) is
  // tests/site/quest.test.ts's; that file took about a minute of the PostgreSQL run for nothing of its own.
  // The security suites that start a site.
  'tests/security/private-pages-cache.test.ts',
  'tests/security/published-precision.test.ts',
  'tests/security/study-compare-small-group.test.ts',
  'tests/security/closed-study.test.ts',
  'tests/security/participant-rate-limit.test.ts',
  'tests/security/export-below-k.test.ts',
  'tests/security/group-of-k-quantiles.test.ts',
  'tests/security/hidden-group-subtraction.test.ts',
  'tests/security/sign-in-flood.test.ts',
  'tests/security/names.test.ts',
  'tests/security/throwaway-participants.test.ts',
  'tests/security/landing-counts.test.ts',
  // Not tests/security/behind-proxy.test.ts: origins, Host, cookies and headers are the same whatever the backend.
  'tests/security/demo-apart.test.ts',
];
