import nodemailer from 'nodemailer';
import { config } from '../config.ts';

/** What the outbox worker hands to the SMTP server: one stored message, with its stored Message-ID. */
export interface WireMessage {
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  headers?: Record<string, string>;
}

/** Sends one message; resolves once the server has answered 250 to the DATA, rejects with the server's error otherwise. */
export type SendFn = (message: WireMessage) => Promise<void>;

export interface MailTransport {
  send: SendFn;
  close(): void;
}

/**
 * Limits on each wait, so that a server that stops answering fails a send
 * within about a minute instead of holding the outbox's lease: the worker
 * only starts a send while its lease has at least SEND_BUDGET_MS left.
 */
export interface Timeouts {
  connectionMs: number;
  greetingMs: number;
  socketMs: number;
  dnsMs: number;
}
export const TIMEOUTS: Readonly<Timeouts> = { connectionMs: 15_000, greetingMs: 15_000, socketMs: 30_000, dnsMs: 10_000 };
export const SEND_BUDGET_MS = TIMEOUTS.dnsMs + TIMEOUTS.connectionMs + TIMEOUTS.greetingMs + TIMEOUTS.socketMs;

export interface TransportOptions {
  smtpUrl: string;
  from: string;
  timeouts?: Partial<Timeouts>;
}

/**
 * A transport over SMTP_URL: smtp:// upgrades with STARTTLS when the server
 * offers it, smtps:// is TLS from the start. One pooled connection is reused
 * for every message, since the worker sends one at a time and a new TLS
 * handshake per message would only slow a batch down.
 */
export function createMailTransport(options: TransportOptions): MailTransport {
  const url = new URL(options.smtpUrl);
  const secure = url.protocol === 'smtps:';
  const t = { ...TIMEOUTS, ...options.timeouts };
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 1,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: t.connectionMs,
    greetingTimeout: t.greetingMs,
    socketTimeout: t.socketMs,
    dnsTimeout: t.dnsMs,
    // The pool's own retry would hide a failure from the outbox, which keeps the count of attempts.
    maxMessages: 1000,
  });
  return {
    async send(m) {
      await transport.sendMail({
        from: options.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html ?? undefined,
        messageId: m.messageId,
        headers: m.headers,
      });
    },
    close() {
      transport.close();
    },
  };
}

/** The transport the configuration describes; undefined when SMTP_URL is not set. */
export function configuredTransport(): MailTransport | undefined {
  const c = config();
  if (!c.SMTP_URL || !c.MAIL_FROM) return undefined;
  return createMailTransport({ smtpUrl: c.SMTP_URL, from: c.MAIL_FROM });
}

/** How a failed send should be handled. */
export type Failure = { permanent: boolean; message: string };

/**
 * Sorts a send error: a 5xx answer to the message or its recipient is
 * permanent (the same message would be refused again); a lost connection, a
 * timeout, a 4xx or a refused login is transient, since none of them is the
 * message's fault and a later attempt can succeed.
 */
export function classifyFailure(error: unknown): Failure {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string; command?: string };
  const message = (e.response ?? e.message ?? String(error)).replace(/\s+/g, ' ').slice(0, 300);
  const code = e.responseCode;
  // A refused login or greeting is the server's setup, not this message: every message would fail alike.
  if (e.code === 'EAUTH' || e.command === 'CONN' || e.code === 'ECONNECTION') return { permanent: false, message };
  if (typeof code === 'number') return { permanent: code >= 500 && code < 600 && code !== 503, message };
  // No reply at all: a recipient nodemailer itself refuses (no address, bad syntax) is permanent; anything else is the network.
  return { permanent: e.code === 'EENVELOPE', message };
}
