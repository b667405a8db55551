import {
  type AnyPgColumn,
  bigint,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { POPULATIONS } from '../../src/domain/population.ts';

/**
 * The PostgreSQL schema: the same tables, TypeScript names, SQL names,
 * constraints, indexes, defaults and cascades as db/schema.ts (SQLite), so
 * that the row types the app uses fit both (tests/server/pg-schema-types.test.ts).
 * Where SQLite's types differ:
 * - a moment is `timestamptz(3)`, read back as a Date like SQLite's
 *   timestamp_ms integers (milliseconds, as Date keeps them);
 * - SQLite's `real` is a 64-bit double: here `double precision` (PostgreSQL's
 *   `real` is 32-bit and would change the scores);
 * - an id is an identity column "by default", so a copy from SQLite may keep
 *   its ids (the copy must then move the sequence past them with setval);
 * - the two peer-statistics tables hold integer (and float) arrays instead
 *   of blobs, added to by the database (see peerScoreCounts).
 */

/** A moment, millisecond precision like SQLite's timestamp_ms, read as a Date. */
const moment = (name: string) => timestamp(name, { mode: 'date', precision: 3, withTimezone: true });

const createdAt = () => moment('created_at').notNull().defaultNow();

/** SQLite's blob in buffer mode: node-postgres reads and writes bytea as a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

const id = () => integer('id').primaryKey().generatedByDefaultAsIdentity();

export const consultants = pgTable('consultants', {
  id: id(),
  email: text('email').notNull().unique(),
  name: text('name'),
  /** scrypt$N$r$p$salt$hash */
  passwordHash: text('password_hash').notNull(),
  createdAt: createdAt(),
  /** Set by `user disable`: the account cannot sign in and has no sessions until `user enable`. */
  disabledAt: moment('disabled_at'),
  /** The weekly summary by e-mail (src/server/mail/summary.ts): off unless the consultant turns it on. */
  weeklySummary: boolean('weekly_summary').notNull().default(false),
  /** When the last weekly summary was put in the outbox; the next is due seven days later. */
  summaryQueuedAt: moment('summary_queued_at'),
});

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie token; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    consultantId: integer('consultant_id')
      .notNull()
      .references(() => consultants.id, { onDelete: 'cascade' }),
    expiresAt: moment('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_consultant_idx').on(t.consultantId)],
);

/**
 * Consultant sign-in attempts that have not succeeded (db/schema.ts says
 * how the limits use them). The id is 64-bit: rows come and go with every
 * attempt, so the sequence outruns a 32-bit integer long before the table
 * grows; read as a number (exact up to 2^53).
 */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    /** The e-mail address tried, lower-cased, whether or not such an account exists. */
    account: text('account').notNull(),
    /** The client address (an IPv6 address by its /64 network). */
    address: text('address').notNull(),
    at: moment('at').notNull(),
  },
  (t) => [
    index('sign_in_attempts_account_address_at_idx').on(t.account, t.address, t.at),
    index('sign_in_attempts_address_at_idx').on(t.address, t.at),
    index('sign_in_attempts_at_idx').on(t.at),
  ],
);

/** Rate-limited actions, one row per action taken (db/schema.ts); a 64-bit id for the same reason as signInAttempts. */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    /** What is limited, e.g. "participant-start". */
    bucket: text('bucket').notNull(),
    /** Who is counted, e.g. a client address (IPv6 by its /64 network). */
    key: text('key').notNull(),
    at: moment('at').notNull(),
  },
  (t) => [index('rate_limit_hits_bucket_key_at_idx').on(t.bucket, t.key, t.at), index('rate_limit_hits_bucket_at_idx').on(t.bucket, t.at)],
);

export const studies = pgTable(
  'studies',
  {
    id: id(),
    consultantId: integer('consultant_id')
      .notNull()
      .references(() => consultants.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    status: text('status', { enum: ['open', 'closed'] })
      .notNull()
      .default('open'),
    /** Invite links are shared on purpose, so the token is kept to show the link again. */
    inviteToken: text('invite_token').notNull().unique(),
    createdAt: createdAt(),
    /** The consultant's name on the study's invite pages and reports (src/domain/brand.ts); null: no brand. */
    brandName: text('brand_name'),
    /** The accent colour, '#rrggbb', at least 4.5:1 against white; null: the product's own. */
    brandAccent: text('brand_accent'),
    /** The logo, a PNG re-encoded by the server; read only by the logo route and the reports. */
    brandLogo: bytea('brand_logo'),
    brandLogoWidth: integer('brand_logo_width'),
    brandLogoHeight: integer('brand_logo_height'),
    /** SHA-256 of brandLogo (hex, first 32 digits): the logo's address, /brand/<key>.png, and its ETag. */
    brandLogoKey: text('brand_logo_key'),
    brandUpdatedAt: moment('brand_updated_at'),
    /** Days between an invitation (or the last reminder) and the next reminder; null: no reminders. */
    reminderDays: integer('reminder_days'),
    /** Reminders at most per invitation. */
    reminderMax: integer('reminder_max').notNull().default(2),
  },
  (t) => [index('studies_consultant_idx').on(t.consultantId), index('studies_brand_logo_key_idx').on(t.brandLogoKey)],
);

export const companies = pgTable(
  'companies',
  {
    id: id(),
    studyId: integer('study_id').references(() => studies.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Company-specific invite link within a study. */
    inviteToken: text('invite_token').unique(),
    /** Respondents the company needs before its figures show again (db/schema.ts); 0: the usual k + 1. */
    releaseFloor: integer('release_floor').notNull().default(0),
    createdAt: createdAt(),
    /** What the consultant stated about the company (instrument profile option ids; null: not stated). */
    industry: text('industry'),
    employees: text('employees'),
    salesTeam: text('sales_team'),
    region: text('region'),
    motion: text('motion'),
  },
  (t) => [index('companies_study_idx').on(t.studyId)],
);

/** A study's rounds (db/schema.ts). */
export const studyWaves = pgTable(
  'study_waves',
  {
    id: id(),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    /** 1, 2, … within the study. */
    number: integer('number').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('study_waves_study_number_idx').on(t.studyId, t.number)],
);

/** Invite links per wave: the study's own (companyId null) and one per company. */
export const waveLinks = pgTable(
  'wave_links',
  {
    id: id(),
    waveId: integer('wave_id')
      .notNull()
      .references(() => studyWaves.id, { onDelete: 'cascade' }),
    companyId: integer('company_id').references(() => companies.id, { onDelete: 'cascade' }),
    token: text('token').notNull().unique(),
  },
  (t) => [index('wave_links_wave_company_idx').on(t.waveId, t.companyId)],
);

/** A personal invitation by e-mail to one wave of a study, for one company (db/schema.ts). */
export const invitations = pgTable(
  'invitations',
  {
    id: id(),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    waveId: integer('wave_id')
      .notNull()
      .references(() => studyWaves.id, { onDelete: 'cascade' }),
    companyId: integer('company_id').references(() => companies.id, { onDelete: 'cascade' }),
    /** Null once it is no longer needed. */
    email: text('email'),
    /** HMAC-SHA-256 of the lower-cased address under a key in settings. */
    emailHash: text('email_hash').notNull(),
    /** SHA-256 of the personal link's token. */
    tokenHash: text('token_hash').notNull().unique(),
    participantId: integer('participant_id').references((): AnyPgColumn => participants.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    /** When the invitation went to the outbox. */
    queuedAt: moment('queued_at'),
    /** When the personal link was first opened (the link itself: no tracking pixels). */
    openedAt: moment('opened_at'),
    startedAt: moment('started_at'),
    completedAt: moment('completed_at'),
    unsubscribedAt: moment('unsubscribed_at'),
    remindersQueued: integer('reminders_queued').notNull().default(0),
    /** When the invitation or its last reminder went to the outbox: the next reminder counts from here. */
    lastQueuedAt: moment('last_queued_at'),
  },
  (t) => [
    // NULLS DISTINCT (PostgreSQL's default) as in SQLite: invitations without a company do not collide on a null company.
    uniqueIndex('invitations_wave_company_email_idx').on(t.waveId, t.companyId, t.emailHash),
    index('invitations_study_idx').on(t.studyId),
    index('invitations_participant_idx').on(t.participantId),
  ],
);

/** E-mail waiting to be sent, and what was sent (db/schema.ts says how the outbox worker uses it). */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: id(),
    /** invitation | reminder | resume-link | weekly-summary */
    kind: text('kind').notNull(),
    /** Unique per intended message, e.g. "reminder:12:1". */
    dedupeKey: text('dedupe_key').notNull().unique(),
    messageId: text('message_id').notNull().unique(),
    toAddress: text('to_address'),
    subject: text('subject'),
    textBody: text('text_body'),
    htmlBody: text('html_body'),
    /** Extra headers as a JSON object (List-Unsubscribe …), kept as text as in SQLite. */
    headers: text('headers'),
    state: text('state', { enum: ['pending', 'sending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: moment('next_attempt_at').notNull(),
    /** While a worker holds the row; an expired lease is taken over. */
    leaseUntil: moment('lease_until'),
    lastError: text('last_error'),
    invitationId: integer('invitation_id').references(() => invitations.id, { onDelete: 'set null' }),
    consultantId: integer('consultant_id').references(() => consultants.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    sentAt: moment('sent_at'),
  },
  (t) => [index('mail_outbox_state_next_idx').on(t.state, t.nextAttemptAt), index('mail_outbox_invitation_idx').on(t.invitationId)],
);

export const participants = pgTable(
  'participants',
  {
    id: id(),
    studyId: integer('study_id').references(() => studies.id, { onDelete: 'set null' }),
    companyId: integer('company_id').references(() => companies.id, { onDelete: 'set null' }),
    role: text('role').notNull(),
    companyName: text('company_name').notNull(),
    industry: text('industry').notNull(),
    employees: text('employees').notNull(),
    salesTeam: text('sales_team').notNull(),
    region: text('region').notNull(),
    motion: text('motion').notNull(),
    instrumentId: text('instrument_id').notNull(),
    instrumentVersion: integer('instrument_version').notNull(),
    status: text('status', { enum: ['in_progress', 'completed'] })
      .notNull()
      .default('in_progress'),
    /** SHA-256 of the 128-bit resume token. */
    resumeTokenHash: text('resume_token_hash').notNull().unique(),
    createdAt: createdAt(),
    updatedAt: moment('updated_at').notNull(),
    completedAt: moment('completed_at'),
    /** The study wave joined; null without a study. */
    waveId: integer('wave_id').references(() => studyWaves.id, { onDelete: 'set null' }),
    /** A retake: the same person's response in the wave before, reached through its private link. */
    previousId: integer('previous_id').references((): AnyPgColumn => participants.id, { onDelete: 'set null' }),
    /** Optional, for the participant's own report only: never shown to peers or in any export. */
    displayName: text('display_name'),
  },
  (t) => [
    index('participants_study_idx').on(t.studyId),
    index('participants_company_idx').on(t.companyId),
    index('participants_wave_idx').on(t.waveId),
    index('participants_previous_idx').on(t.previousId),
  ],
);

export const answers = pgTable(
  'answers',
  {
    participantId: integer('participant_id')
      .notNull()
      .references(() => participants.id, { onDelete: 'cascade' }),
    itemId: text('item_id').notNull(),
    /** Option id, a decimal number, or "na". */
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.participantId, t.itemId] })],
);

/** "Your numbers": optional, one row per participant who gave any. */
export const participantNumbers = pgTable('participant_numbers', {
  participantId: integer('participant_id')
    .primaryKey()
    .references(() => participants.id, { onDelete: 'cascade' }),
  opportunities: doublePrecision('opportunities'),
  dealValue: doublePrecision('deal_value'),
  currency: text('currency'),
  winRate: doublePrecision('win_rate'),
  cycleDays: doublePrecision('cycle_days'),
  quota: doublePrecision('quota'),
  pipeline: doublePrecision('pipeline'),
  wonCount: doublePrecision('won_count'),
  wonValue: doublePrecision('won_value'),
  lostCount: doublePrecision('lost_count'),
  lostValue: doublePrecision('lost_value'),
  openCount: doublePrecision('open_count'),
  openValue: doublePrecision('open_value'),
  stage1: doublePrecision('stage1'),
  stage2: doublePrecision('stage2'),
  stage3: doublePrecision('stage3'),
  stage4: doublePrecision('stage4'),
  stage5: doublePrecision('stage5'),
  stage6: doublePrecision('stage6'),
});

/**
 * Materialised scores of completed participants, with the peer dimensions
 * copied beside them so that a peer-relative lookup is one ranged count on
 * one index, without a join.
 */
export const scores = pgTable(
  'scores',
  {
    participantId: integer('participant_id')
      .primaryKey()
      .references(() => participants.id, { onDelete: 'cascade' }),
    value: doublePrecision('value'),
    number: doublePrecision('number'),
    winRate: doublePrecision('win_rate'),
    cycle: doublePrecision('cycle'),
    velocity: doublePrecision('velocity').notNull(),
    approach: doublePrecision('approach'),
    execution: doublePrecision('execution'),
    personal: doublePrecision('personal'),
    studyId: integer('study_id'),
    companyId: integer('company_id'),
    role: text('role').notNull(),
    industry: text('industry').notNull(),
    employees: text('employees').notNull(),
    salesTeam: text('sales_team').notNull(),
    region: text('region').notNull(),
    motion: text('motion').notNull(),
    instrumentVersion: integer('instrument_version').notNull(),
    /** Whose figures this score enters (src/domain/population.ts). No default: every writer decides. */
    population: text('population', { enum: POPULATIONS }).notNull(),
    computedAt: moment('computed_at').notNull(),
  },
  // Peer figures compare only like instrument versions and one population, so every peer index leads with both.
  (t) => [
    index('scores_population_velocity_idx').on(t.instrumentVersion, t.population, t.velocity),
    index('scores_population_industry_velocity_idx').on(t.instrumentVersion, t.population, t.industry, t.velocity),
    index('scores_population_employees_velocity_idx').on(t.instrumentVersion, t.population, t.employees, t.velocity),
    index('scores_population_industry_employees_velocity_idx').on(t.instrumentVersion, t.population, t.industry, t.employees, t.velocity),
    index('scores_population_role_personal_idx').on(t.instrumentVersion, t.population, t.role, t.personal),
    index('scores_population_personal_idx').on(t.instrumentVersion, t.population, t.personal),
    index('scores_study_idx').on(t.studyId),
  ],
);

/*
 * Peer statistics (what they hold: db/schema.ts and src/domain/peer-stats.ts).
 * The same rows, keys and column names as SQLite's, with arrays instead of
 * blobs: a group's whole points stay at most 101 rows per score, so reading
 * a comparison costs what it costs on SQLite.
 *
 * Why not blobs: SQLite rewrites a blob whole (read it, add, write it back),
 * which is safe there because SQLite has one writer at a time. Several app
 * servers finishing at once on PostgreSQL would each write back their own
 * sum and lose the other's addition, unless every finish serialised on a lock
 * or retried serialisable transactions. Here the addition is done by the
 * database, element by element, in the upsert itself:
 *
 *   INSERT INTO peer_score_counts (dimension, key, measure, point, n, hundredths) VALUES (…), (…)
 *   ON CONFLICT (dimension, key, measure, point) DO UPDATE SET
 *     n = peer_score_counts.n + excluded.n,
 *     hundredths = ARRAY(SELECT a + b FROM unnest(peer_score_counts.hundredths, excluded.hundredths)
 *                        WITH ORDINALITY AS u(a, b, i) ORDER BY i)
 *
 * The upsert locks the row it updates and adds to its latest committed
 * value (READ COMMITTED re-reads a row changed meanwhile), so concurrent
 * finishes in several transactions each add their own counts and none is
 * lost, without retries (tests/pg/peer-stats-upsert.test.ts). The locks are
 * held to the commit: write a transaction's rows in one order of the primary
 * key (sort the VALUES), so two finishes never wait on each other in a cycle.
 * A row that comes to nothing is deleted in the same transaction
 * (`DELETE … WHERE … AND n = 0`): the row is locked by the upsert already, and
 * an insert waiting on it then inserts afresh.
 */

/**
 * Participants per group, score and whole point (`n`), with the counts of
 * the point's 100 hundredths in `hundredths` (one for the point 100).
 */
export const peerScoreCounts = pgTable(
  'peer_score_counts',
  {
    dimension: text('dimension').notNull(),
    key: text('key').notNull(),
    measure: text('measure').notNull(),
    point: integer('point').notNull(),
    n: integer('n').notNull(),
    hundredths: integer('hundredths').array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.dimension, t.key, t.measure, t.point] })],
);

/**
 * Company item scores per group: for each whole point of the Velocity Index
 * (101), how many answered the item (`n`) and the sum of their scores
 * (`total`). Added to like peer_score_counts, element by element:
 *   n = ARRAY(SELECT a + b FROM unnest(peer_item_sums.n, excluded.n) WITH ORDINALITY AS u(a, b, i) ORDER BY i),
 *   total = ARRAY(SELECT CASE WHEN na + nb = 0 THEN 0 ELSE ta + tb END
 *                 FROM unnest(peer_item_sums.n, excluded.n, peer_item_sums.total, excluded.total)
 *                 WITH ORDINALITY AS u(na, nb, ta, tb, i) ORDER BY i)
 * (a point nobody is left in sums to exactly zero, as in SQLite).
 */
export const peerItemSums = pgTable(
  'peer_item_sums',
  {
    dimension: text('dimension').notNull(),
    key: text('key').notNull(),
    itemId: text('item_id').notNull(),
    n: integer('n').array().notNull(),
    total: doublePrecision('total').array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.dimension, t.key, t.itemId] })],
);

/** Values the database keeps about itself (key → text), see db/schema.ts. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
