import { sql } from 'drizzle-orm';
import { type AnySQLiteColumn, blob, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { POPULATIONS } from '../src/domain/population.ts';

const createdAt = () =>
  integer('created_at', { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

export const consultants = sqliteTable('consultants', {
  id: integer('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name'),
  /** scrypt$N$r$p$salt$hash */
  passwordHash: text('password_hash').notNull(),
  createdAt: createdAt(),
  /** Set by `user disable`: the account cannot sign in and has no sessions until `user enable`. */
  disabledAt: integer('disabled_at', { mode: 'timestamp_ms' }),
  /** The weekly summary by e-mail (src/server/mail/summary.ts): off unless the consultant turns it on. */
  weeklySummary: integer('weekly_summary', { mode: 'boolean' }).notNull().default(false),
  /** When the last weekly summary was put in the outbox; the next is due seven days later. */
  summaryQueuedAt: integer('summary_queued_at', { mode: 'timestamp_ms' }),
});

export const sessions = sqliteTable(
  'sessions',
  {
    /** SHA-256 of the cookie token; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    consultantId: integer('consultant_id')
      .notNull()
      .references(() => consultants.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_consultant_idx').on(t.consultantId)],
);

/**
 * Consultant sign-in attempts that have not succeeded: each is written before
 * its password is checked (so concurrent attempts cannot all pass the limit
 * check) and removed when the account-and-address pair signs in. The limits
 * count them per account and address, per address and per account over a
 * window (src/server/auth/sign-in-limits.ts). Kept in the database so that
 * several app instances share the limits.
 */
export const signInAttempts = sqliteTable(
  'sign_in_attempts',
  {
    id: integer('id').primaryKey(),
    /** The e-mail address tried, lower-cased, whether or not such an account exists. */
    account: text('account').notNull(),
    /** The client address (an IPv6 address by its /64 network). */
    address: text('address').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('sign_in_attempts_account_address_at_idx').on(t.account, t.address, t.at),
    index('sign_in_attempts_address_at_idx').on(t.address, t.at),
    index('sign_in_attempts_at_idx').on(t.at),
  ],
);

/**
 * Rate-limited actions, one row per action taken (participant starts per
 * client address: src/server/repositories/rate-limits.ts). In the database so
 * that several app instances share one limit; rows older than their bucket's
 * window are deleted as new ones come in.
 */
export const rateLimitHits = sqliteTable(
  'rate_limit_hits',
  {
    id: integer('id').primaryKey(),
    /** What is limited, e.g. "participant-start". */
    bucket: text('bucket').notNull(),
    /** Who is counted, e.g. a client address (IPv6 by its /64 network). */
    key: text('key').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('rate_limit_hits_bucket_key_at_idx').on(t.bucket, t.key, t.at), index('rate_limit_hits_bucket_at_idx').on(t.bucket, t.at)],
);

export const studies = sqliteTable(
  'studies',
  {
    id: integer('id').primaryKey(),
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
    /**
     * The logo, always a PNG re-encoded by the server (an SVG upload is
     * checked and rasterised), never the bytes uploaded. Read only by the
     * logo route and the reports: the repository's study reads leave it out.
     */
    brandLogo: blob('brand_logo', { mode: 'buffer' }),
    brandLogoWidth: integer('brand_logo_width'),
    brandLogoHeight: integer('brand_logo_height'),
    /** SHA-256 of brandLogo (hex, first 32 digits): the logo's address, /brand/<key>.png, and its ETag. */
    brandLogoKey: text('brand_logo_key'),
    brandUpdatedAt: integer('brand_updated_at', { mode: 'timestamp_ms' }),
    /** Days between an invitation (or the last reminder) and the next reminder; null: no reminders. */
    reminderDays: integer('reminder_days'),
    /** Reminders at most per invitation. */
    reminderMax: integer('reminder_max').notNull().default(2),
  },
  (t) => [index('studies_consultant_idx').on(t.consultantId), index('studies_brand_logo_key_idx').on(t.brandLogoKey)],
);

export const companies = sqliteTable(
  'companies',
  {
    id: integer('id').primaryKey(),
    studyId: integer('study_id').references(() => studies.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Company-specific invite link within a study. */
    inviteToken: text('invite_token').unique(),
    /**
     * Respondents the company needs before its figures show again, set when a
     * respondent whose answers were in them deletes: 0 means the usual k + 1
     * (see publishedMembers in src/domain/anonymity.ts).
     */
    releaseFloor: integer('release_floor').notNull().default(0),
    createdAt: createdAt(),
    /**
     * What the consultant stated about the company (instrument profile option
     * ids; null: not stated). A company link pre-fills and locks them, so its
     * respondents answer only what is theirs (role).
     */
    industry: text('industry'),
    employees: text('employees'),
    salesTeam: text('sales_team'),
    region: text('region'),
    motion: text('motion'),
  },
  (t) => [index('companies_study_idx').on(t.studyId)],
);

/**
 * A study's rounds: the first is made with the study, a new one when the
 * consultant runs the study again (same companies, new links). Participants
 * join the wave whose link they used; trends compare a wave with the one
 * before it.
 */
export const studyWaves = sqliteTable(
  'study_waves',
  {
    id: integer('id').primaryKey(),
    studyId: integer('study_id')
      .notNull()
      .references(() => studies.id, { onDelete: 'cascade' }),
    /** 1, 2, … within the study. */
    number: integer('number').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('study_waves_study_number_idx').on(t.studyId, t.number)],
);

/**
 * Invite links per wave: the study's own (companyId null) and one per
 * company. Links are shared on purpose, so the token is kept to show it again.
 * Only the study's latest wave takes new participants.
 */
export const waveLinks = sqliteTable(
  'wave_links',
  {
    id: integer('id').primaryKey(),
    waveId: integer('wave_id')
      .notNull()
      .references(() => studyWaves.id, { onDelete: 'cascade' }),
    companyId: integer('company_id').references(() => companies.id, { onDelete: 'cascade' }),
    token: text('token').notNull().unique(),
  },
  (t) => [index('wave_links_wave_company_idx').on(t.waveId, t.companyId)],
);

/**
 * A personal invitation by e-mail to one wave of a study, for one company.
 * The address is kept only while it is needed (to send the invitation and
 * its reminders): it is erased when the person completes or unsubscribes;
 * the keyed hash stays so the same address is not invited twice and an
 * unsubscribe holds. The link's token is derived (HMAC of the id under a key
 * in settings), so only its hash is stored.
 */
export const invitations = sqliteTable(
  'invitations',
  {
    id: integer('id').primaryKey(),
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
    participantId: integer('participant_id').references((): AnySQLiteColumn => participants.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    /** When the invitation went to the outbox. */
    queuedAt: integer('queued_at', { mode: 'timestamp_ms' }),
    /** When the personal link was first opened (the link itself: no tracking pixels). */
    openedAt: integer('opened_at', { mode: 'timestamp_ms' }),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }),
    completedAt: integer('completed_at', { mode: 'timestamp_ms' }),
    unsubscribedAt: integer('unsubscribed_at', { mode: 'timestamp_ms' }),
    remindersQueued: integer('reminders_queued').notNull().default(0),
    /** When the invitation or its last reminder went to the outbox: the next reminder counts from here. */
    lastQueuedAt: integer('last_queued_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    uniqueIndex('invitations_wave_company_email_idx').on(t.waveId, t.companyId, t.emailHash),
    index('invitations_study_idx').on(t.studyId),
    index('invitations_participant_idx').on(t.participantId),
  ],
);

/**
 * E-mail waiting to be sent, and what was sent. Every message is written
 * here in the transaction that decides to send it, then sent by the outbox
 * worker (src/server/mail/outbox-worker.ts): an SMTP outage or a crash
 * delays mail and loses none. A row is claimed with a lease before it is
 * sent and marked sent right after the server accepts it; `dedupeKey` makes
 * deciding twice put one message in the outbox, and the Message-ID stays the
 * same on a retry. The recipient and the bodies are erased once sent.
 */
export const mailOutbox = sqliteTable(
  'mail_outbox',
  {
    id: integer('id').primaryKey(),
    /** invitation | reminder | resume-link | weekly-summary */
    kind: text('kind').notNull(),
    /** Unique per intended message, e.g. "reminder:12:1". */
    dedupeKey: text('dedupe_key').notNull().unique(),
    messageId: text('message_id').notNull().unique(),
    toAddress: text('to_address'),
    subject: text('subject'),
    textBody: text('text_body'),
    htmlBody: text('html_body'),
    /** Extra headers as a JSON object (List-Unsubscribe …). */
    headers: text('headers'),
    state: text('state', { enum: ['pending', 'sending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
    /** While a worker holds the row; an expired lease is taken over. */
    leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }),
    lastError: text('last_error'),
    invitationId: integer('invitation_id').references(() => invitations.id, { onDelete: 'set null' }),
    consultantId: integer('consultant_id').references(() => consultants.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('mail_outbox_state_next_idx').on(t.state, t.nextAttemptAt), index('mail_outbox_invitation_idx').on(t.invitationId)],
);

export const participants = sqliteTable(
  'participants',
  {
    id: integer('id').primaryKey(),
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
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    completedAt: integer('completed_at', { mode: 'timestamp_ms' }),
    /** The study wave joined; null without a study. */
    waveId: integer('wave_id').references(() => studyWaves.id, { onDelete: 'set null' }),
    /** A retake: the same person's response in the wave before, reached through its private link. */
    previousId: integer('previous_id').references((): AnySQLiteColumn => participants.id, { onDelete: 'set null' }),
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

export const answers = sqliteTable(
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
export const participantNumbers = sqliteTable('participant_numbers', {
  participantId: integer('participant_id')
    .primaryKey()
    .references(() => participants.id, { onDelete: 'cascade' }),
  opportunities: real('opportunities'),
  dealValue: real('deal_value'),
  currency: text('currency'),
  winRate: real('win_rate'),
  cycleDays: real('cycle_days'),
  quota: real('quota'),
  pipeline: real('pipeline'),
  wonCount: real('won_count'),
  wonValue: real('won_value'),
  lostCount: real('lost_count'),
  lostValue: real('lost_value'),
  openCount: real('open_count'),
  openValue: real('open_value'),
  stage1: real('stage1'),
  stage2: real('stage2'),
  stage3: real('stage3'),
  stage4: real('stage4'),
  stage5: real('stage5'),
  stage6: real('stage6'),
});

/**
 * Materialised scores of completed participants. The peer dimensions are
 * copied beside them so that a peer-relative lookup is one ranged count on
 * one index, without a join.
 */
export const scores = sqliteTable(
  'scores',
  {
    participantId: integer('participant_id')
      .primaryKey()
      .references(() => participants.id, { onDelete: 'cascade' }),
    value: real('value'),
    number: real('number'),
    winRate: real('win_rate'),
    cycle: real('cycle'),
    velocity: real('velocity').notNull(),
    approach: real('approach'),
    execution: real('execution'),
    personal: real('personal'),
    studyId: integer('study_id'),
    companyId: integer('company_id'),
    role: text('role').notNull(),
    industry: text('industry').notNull(),
    employees: text('employees').notNull(),
    salesTeam: text('sales_team').notNull(),
    region: text('region').notNull(),
    motion: text('motion').notNull(),
    instrumentVersion: integer('instrument_version').notNull(),
    /**
     * Whose figures this score enters (src/domain/population.ts): `benchmark`
     * counts towards k and every peer figure; `demo` is a seeded synthetic
     * participant, compared only with demo data; `unverified` is a real
     * participant who gets their own results but enters nobody's figures.
     * No default: every writer decides.
     */
    population: text('population', { enum: POPULATIONS }).notNull(),
    computedAt: integer('computed_at', { mode: 'timestamp_ms' }).notNull(),
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

export type Participant = typeof participants.$inferSelect;
export type NewParticipant = typeof participants.$inferInsert;
export type ScoreRow = typeof scores.$inferSelect;
export type NewScoreRow = typeof scores.$inferInsert;
export type AnswerRow = typeof answers.$inferInsert;
export type NumbersRow = typeof participantNumbers.$inferSelect;
/** A study as the pages read it: every column but the logo's bytes (see findLogo in src/server/repositories/studies.ts). */
export type Study = Omit<typeof studies.$inferSelect, 'brandLogo'>;
export type Company = typeof companies.$inferSelect;
export type Consultant = typeof consultants.$inferSelect;
export type StudyWave = typeof studyWaves.$inferSelect;
export type WaveLink = typeof waveLinks.$inferSelect;
export type InvitationRow = typeof invitations.$inferSelect;
export type OutboxRow = typeof mailOutbox.$inferSelect;

/**
 * Peer statistics as counts (see src/domain/peer-stats.ts): participants per
 * group, score and whole point, with the counts of the point's 100
 * hundredths in `hundredths` (100 little-endian int32). Kept in step with
 * `scores` in the same transaction, so comparing peer groups never reads
 * the population. dimension "all" with key "" is everyone.
 */
export const peerScoreCounts = sqliteTable(
  'peer_score_counts',
  {
    dimension: text('dimension').notNull(),
    key: text('key').notNull(),
    measure: text('measure').notNull(),
    point: integer('point').notNull(),
    n: integer('n').notNull(),
    hundredths: blob('hundredths', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.dimension, t.key, t.measure, t.point] })],
);

/**
 * Company item scores per group: for each whole point of the Velocity Index,
 * how many answered the item (`n`, 101 little-endian int32) and the sum of
 * their scores (`total`, 101 little-endian float64). Top against bottom performers.
 */
export const peerItemSums = sqliteTable(
  'peer_item_sums',
  {
    dimension: text('dimension').notNull(),
    key: text('key').notNull(),
    itemId: text('item_id').notNull(),
    n: blob('n', { mode: 'buffer' }).notNull(),
    total: blob('total', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.dimension, t.key, t.itemId] })],
);

/**
 * Values the database keeps about itself (key → text): the salt of the
 * network hashes (src/server/services/genuine.ts), which population the
 * peer statistics hold, whether the demo data was removed.
 */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
