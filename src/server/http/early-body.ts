import type { IncomingMessage } from 'node:http';

/**
 * A request's body is read before the request may take one of the server's
 * places (src/server/http/load-shed.ts). A place is meant for work; a body
 * that arrives a byte at a time would otherwise hold one for as long as the
 * request timeout allows, and a handful of such posts from one client took
 * every place while real visitors got the busy page. Read here, a slow body
 * costs a socket and the bytes it actually sent, nothing that others wait for.
 * The body is then handed to Astro as `req.body`, which its node adapter
 * takes instead of reading the stream (astro/app/node: makeRequestBody).
 */

/** Above the largest body any route accepts (an invitation CSV of 512 KB with its form); larger ones are refused here. */
export const EARLY_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * How long a body may take to arrive: the largest accepted upload over a
 * poor mobile link. It holds no place meanwhile, so it can be generous.
 */
export const EARLY_BODY_SECONDS = 60;

/**
 * All bodies being read at once may hold at most this much memory (outside V8's heap, so no heap limit stops
 * it): without a bound, many connections each sending nearly 1 MB and stalling grew the process by a megabyte
 * each. A body that would go over it is answered as busy (503), as a saturated server answers anything else.
 */
export const EARLY_BODY_BUDGET_BYTES = 64 * 1024 * 1024;

let heldBytes = 0;

/** Bytes held now by bodies being read (for the tests). */
export const earlyBodyBytesHeld = () => heldBytes;

export type EarlyBody = { ok: true } | { ok: false; status: 408 | 413; message: string } | { ok: false; status: 503 } | { ok: false; status: 0 };

const hasBody = (req: IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

/** Reads the whole body into `req.body`; says 413 or 408 when it is too large or too slow, status 0 when the client went away. */
export function readBodyFirst(
  req: IncomingMessage,
  limits: { bytes: number; seconds: number; budget?: number } = { bytes: EARLY_BODY_LIMIT_BYTES, seconds: EARLY_BODY_SECONDS },
): Promise<EarlyBody> {
  const budget = limits.budget ?? EARLY_BODY_BUDGET_BYTES;
  if (req.method === 'GET' || req.method === 'HEAD' || !hasBody(req)) return Promise.resolve({ ok: true });
  const tooLarge = { ok: false, status: 413, message: `The request is larger than this site accepts (${Math.round(limits.bytes / 1024)} KB).` } as const;
  const declared = Number(req.headers['content-length']) || 0;
  if (declared > limits.bytes) return Promise.resolve(tooLarge);
  // The declared length is reserved at once; a chunked body's bytes are counted as they come.
  if (heldBytes + declared > budget) return Promise.resolve({ ok: false, status: 503 });
  heldBytes += declared;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let reserved = declared;
    const done = (result: EarlyBody) => {
      heldBytes -= reserved;
      reserved = 0;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('aborted', onGone);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > reserved) {
        if (heldBytes + (received - reserved) > budget) {
          req.pause();
          return done({ ok: false, status: 503 });
        }
        heldBytes += received - reserved;
        reserved = received;
      }
      if (received > limits.bytes) {
        req.pause();
        done(tooLarge);
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      (req as IncomingMessage & { body?: Buffer }).body = Buffer.concat(chunks, received);
      done({ ok: true });
    };
    const onGone = () => done({ ok: false, status: 0 });
    const timer = setTimeout(
      () => done({ ok: false, status: 408, message: `The request did not arrive within ${limits.seconds} s. Please send it again.` }),
      limits.seconds * 1000,
    );
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onGone);
    req.once('aborted', onGone);
  });
}
