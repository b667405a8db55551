import { config } from '../config.ts';

/** True when an SMTP server is configured: without one, no e-mail feature offers to send, and every link still works. */
export function mailEnabled(): boolean {
  return config().SMTP_URL !== undefined;
}

/**
 * The origin every link in an e-mail starts with. Mail is written outside any
 * request (reminders, summaries), so it comes from the configuration:
 * PUBLIC_ORIGIN, or the address the server listens on.
 */
export function mailOrigin(): string {
  const c = config();
  if (c.PUBLIC_ORIGIN) return c.PUBLIC_ORIGIN;
  const host = c.HOST === '0.0.0.0' || c.HOST === '::' ? 'localhost' : c.HOST.includes(':') ? `[${c.HOST}]` : c.HOST;
  return `http://${host}:${c.PORT}`;
}
