import { SESSION_COOKIE } from '../auth/sign-in.ts';

/**
 * A resume link (/r/<token>) opens someone's answers and an invite link
 * (/join/<token>) joins a study, so neither may reach a log file, where
 * operators, log shippers and backups would read them. Astro and its Node
 * adapter print request URLs in their error lines ("Could not render
 * http://…/r/<token>/1", unhandled rejections, aborted streams); the session
 * cookie can appear in a dumped header. The path segment after /r/, /join/,
 * /i/ or /unsubscribe/ (an e-mailed personal link)
 * (plain or percent-encoded slashes) and the cookie value become [redacted].
 */
const TOKEN_AFTER = /((?:\/|%2f)(?:r|join|i|unsubscribe)(?:\/|%2f))[^/?#\s"'<>`%]+/gi;
const SESSION_VALUE = new RegExp(`(${SESSION_COOKIE}=)[^;\\s"']+`, 'g');

export function redactSecrets(text: string): string {
  return text.replace(TOKEN_AFTER, '$1[redacted]').replace(SESSION_VALUE, '$1[redacted]');
}

const INSTALLED = Symbol.for('velocity.logRedaction');

type Write = typeof process.stdout.write;

function redacting(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && (typeof rest[0] !== 'string' || /^utf-?8$/i.test(rest[0]))) {
      return write(redactSecrets(chunk), ...rest);
    }
    if (chunk instanceof Uint8Array) return write(Buffer.from(redactSecrets(Buffer.from(chunk).toString('utf8')), 'utf8'), ...rest);
    return write(chunk, ...rest);
  }) as Write;
}

/**
 * Makes everything this process writes to stdout and stderr pass through
 * `redactSecrets`: console.*, Astro's logger, the adapter's own lines and
 * Node's warnings all end there. Installed once, when the server's fetch
 * handler (src/fetch.ts) is loaded at start-up, before the first request.
 */
export function installLogRedaction(): void {
  const holder = process as unknown as Record<symbol, boolean>;
  if (holder[INSTALLED]) return;
  holder[INSTALLED] = true;
  redacting(process.stdout);
  redacting(process.stderr);
}
