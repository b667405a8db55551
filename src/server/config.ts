import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { renderSettingsShape } from '../reports/render-settings.ts';
import { DEFAULT_MIN_GROUP } from '../domain/peers.ts';
import { decodes, pgUrlProblem } from '../../db/pg/url.ts';
import { looksLikeAddress } from './data/address-like.ts';

/** An origin and nothing more: http or https, a host, maybe a port; no path, query, fragment or user. */
const PublicOriginSchema = z
  .string()
  .refine((v) => URL.canParse(v), 'must be an origin such as https://bench.example.com')
  .transform((v) => new URL(v))
  .refine((u) => u.protocol === 'https:' || u.protocol === 'http:', 'must start with https:// (or http://)')
  .refine((u) => u.pathname === '/' && !u.search && !u.hash && !u.username && !u.password, 'must be an origin only, with no path, query or user, such as https://bench.example.com')
  .transform((u) => u.origin);

/** Every setting the server reads from the environment, parsed once. */
export const ConfigSchema = z.object({
  /** SQLite file; created with its folder on first start. Not used when DATABASE_URL is set. */
  DATABASE_PATH: z
    .string()
    .min(1)
    .refine((v) => !looksLikeAddress(v), 'is the SQLite file, such as ./data/velocity.sqlite; the value given reads as a database address (a PostgreSQL one goes in DATABASE_URL)')
    .default('./data/velocity.sqlite'),
  /**
   * A PostgreSQL database (postgres://user:password@host:5432/velocity)
   * instead of the SQLite file: several app servers may then share it. Unset,
   * the site runs on SQLite (DATABASE_PATH). Never echoed: it holds a password.
   */
  DATABASE_URL: z
    .string()
    .refine((v) => pgUrlProblem(v) === null, {
      // What is wrong with it, in words that never repeat it.
      error: (issue) =>
        `must be a PostgreSQL address such as postgres://user:password@host:5432/velocity (leave it unset to run on SQLite, DATABASE_PATH); the one given is ${pgUrlProblem(String(issue.input))}`,
    })
    .optional(),
  /**
   * Connections this server holds to PostgreSQL at most (unset: 10, db/pg/client.ts). Every instance holds up to
   * this many, so the instances together must stay below the server's max_connections.
   */
  PG_POOL_MAX: z.coerce.number().int().min(1).max(1000).optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(1).max(65535).default(4321),
  /** Smallest peer group shown anywhere (anonymity). */
  PEER_MIN_GROUP: z.coerce.number().int().min(2).max(1000).default(DEFAULT_MIN_GROUP),
  /**
   * The instrument new participants answer: a file id under templates/instruments/.
   * Earlier versions stay loadable for the responses given with them.
   */
  INSTRUMENT: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be an instrument file id such as velocity-v2').default('velocity-v2'),
  /** Participants seeded on the first start of an empty database; 0 turns the demo data off. */
  DEMO_PARTICIPANTS: z.coerce.number().int().min(0).max(5_000_000).default(2000),
  /**
   * The address people use, e.g. https://bench.example.com, when the site runs
   * behind a reverse proxy: form posts must come from it, every absolute link
   * the site prints starts with it, and when it is https the session cookie is
   * Secure and HSTS is sent. Unset, the site answers only requests addressed to
   * this machine by a loopback name or HOST (src/server/http/proxy.ts).
   */
  PUBLIC_ORIGIN: PublicOriginSchema.optional(),
  /**
   * Addresses of the reverse proxies whose X-Forwarded-For names the client
   * (comma-separated, e.g. 127.0.0.1,::1). Only a request arriving from one of
   * them is believed; anyone else's X-Forwarded-For is ignored.
   */
  TRUST_PROXY: z
    .string()
    .transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine((a) => isIP(a) !== 0, { error: (issue) => `"${String(issue.input)}" is not an IP address` })))
    .default([]),
  /**
   * The SMTP server mail goes through, e.g. smtp://user:pass@mail.example.com:587
   * (STARTTLS when offered) or smtps://…:465. Unset, the site sends no e-mail:
   * invitations, reminders, resume links and summaries say so, and links still work.
   */
  SMTP_URL: z
    .string()
    .refine((v) => URL.canParse(v) && ['smtp:', 'smtps:'].includes(new URL(v).protocol), 'must be an smtp:// or smtps:// address such as smtp://user:pass@mail.example.com:587')
    // The mail transport decodes the user and password: a % that starts no escape would stop the mail loop at its first message.
    .refine((v) => !URL.canParse(v) || decodes(new URL(v).username) && decodes(new URL(v).password), 'has a % in its user name or password that starts no escape: write % as %25 (and @ : / as %40 %3A %2F)')
    .optional(),
  /** The sender of every e-mail, e.g. "Velocity Index <bench@example.com>"; required with SMTP_URL. */
  MAIL_FROM: z
    .string()
    .max(200)
    .regex(/^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)$/, 'must be an address such as bench@example.com or "Velocity Index <bench@example.com>"')
    .optional(),
  /** How often the server's mail worker looks for due mail, in seconds (src/server/mail/run.ts). */
  MAIL_POLL_SECONDS: z.coerce.number().min(1).max(3600).default(5),
  /**
   * How long a server process holds the outbox rows it took to send. A process
   * killed while sending leaves them held; another (or the same, restarted)
   * sends them once this runs out. Longer than one send may take (70 s).
   */
  MAIL_LEASE_SECONDS: z.coerce.number().int().min(75).max(3600).default(600),
  /** Participants one client address (IPv6: one /64) may start per hour through /start and /join; 0 turns the limit off. */
  PARTICIPANT_STARTS_PER_HOUR: z.coerce.number().int().min(0).max(1_000_000).default(20),
  /** RENDER_WORKERS, RENDER_QUEUE, RENDER_TIMEOUT_SECONDS, RENDER_WORKER_HEAP_MB: the PDF render pool (src/reports/render-settings.ts). */
  ...renderSettingsShape,
  /**
   * Requests the server works on at once (scripts/serve.ts); more wait in a
   * queue. Pages render on one thread, so more at once only makes each one
   * slower: a few per core leave room for requests that wait on a PDF worker.
   */
  MAX_CONCURRENT_REQUESTS: z.coerce.number().int().min(1).max(10_000).default(availableParallelism() * 8),
  /** Requests that may wait for a free place; the next one is answered 503 (busy) at once. A bound on memory: the wait itself is bounded by REQUEST_QUEUE_SECONDS. */
  REQUEST_QUEUE_LENGTH: z.coerce.number().int().min(0).max(100_000).default(1024),
  /** The longest a request waits in that queue; one that would wait longer, at the pace requests are being answered, is answered 503 on arrival. */
  REQUEST_QUEUE_SECONDS: z.coerce.number().min(0.1).max(300).default(15),
  /** Event-loop delay (ms, worst of the last second) above which no request queues: only free places are taken. 0 turns this off. */
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** On SIGTERM/SIGINT, how long requests in flight get to finish before their connections are closed. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(600).default(10),
}).refine((c) => !c.SMTP_URL || c.MAIL_FROM, { path: ['MAIL_FROM'], message: 'is required when SMTP_URL is set: the address e-mail is sent from' });
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Bad configuration: ${lines.join('; ')}`);
  }
  return parsed.data;
}

let cached: Config | undefined;
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
