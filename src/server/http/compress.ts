import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { constants, createBrotliCompress, createGzip, type BrotliCompress, type Gzip } from 'node:zlib';

/**
 * Compression of text responses (pages, CSS, scripts, JSON, SVG, CSV) on
 * the way out, as the browser accepts it: brotli, else gzip. PDFs, PNGs
 * and fonts are compressed already and go out as they are. Written here
 * rather than taken from the `compression` package: it is one function
 * over node:zlib, and the server has no Express-style middleware chain.
 */

/** Types worth compressing; everything else (PDF, PNG, WOFF2, ICO) is left alone. */
const COMPRESSIBLE = /^(?:text\/|application\/(?:json|javascript|xml|manifest\+json)|image\/svg\+xml)/i;

/** Below this a compressed body is hardly smaller, and costs a stream. */
const MIN_BYTES = 1024;

/**
 * Brotli's quality 4 compresses a page about as well as gzip's default in
 * less time; the default (11) is for files compressed once, not per request.
 */
const BROTLI_QUALITY = 4;

export type Encoding = 'br' | 'gzip';

/** The encoding to answer with, from an Accept-Encoding header; q=0 refuses one. */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding | null {
  if (!acceptEncoding) return null;
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    accepted.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (e: string) => accepted.get(e) ?? (accepted.get('*') ?? 0);
  const br = weightOf('br');
  const gzip = weightOf('gzip');
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return null;
}

function worthCompressing(res: ServerResponse): boolean {
  // A range (206) counts bytes of the plain file; compressed, they would be wrong.
  if (res.statusCode < 200 || res.statusCode === 204 || res.statusCode === 206 || res.statusCode === 304) return false;
  if (res.hasHeader('content-encoding')) return false;
  const type = String(res.getHeader('content-type') ?? '');
  if (!COMPRESSIBLE.test(type)) return false;
  const length = Number(res.getHeader('content-length'));
  return !(Number.isFinite(length) && length < MIN_BYTES);
}

function addVary(res: ServerResponse): void {
  const vary = String(res.getHeader('vary') ?? '');
  if (vary === '*' || /(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(vary)) return;
  res.setHeader('Vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
}

type WriteCallback = (error?: Error | null) => void;

/**
 * Makes `res` compress its body when the request accepts it and the
 * response turns out to be worth it. Call before anything is written: the
 * decision is taken when the headers go out (writeHead, or the first
 * write), since only then are the type and length known.
 */
export function compressResponses(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'HEAD') return;
  const encoding = chooseEncoding(req.headers['accept-encoding']);
  // The originals, called with loose arguments as the callers gave them.
  const writeHead = res.writeHead as (...a: unknown[]) => ServerResponse;
  const write = res.write as (...a: unknown[]) => boolean;
  const end = res.end as (...a: unknown[]) => ServerResponse;
  // undefined: not decided yet; null: sent as it is.
  let stream: BrotliCompress | Gzip | null | undefined;

  const decide = () => {
    if (stream !== undefined) return;
    stream = null;
    if (!worthCompressing(res)) return;
    // Caches must keep the compressed and plain answers apart, also for a client that accepted neither.
    addVary(res);
    if (!encoding) return;
    res.setHeader('Content-Encoding', encoding);
    res.removeHeader('content-length');
    const z =
      encoding === 'br'
        ? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } })
        : createGzip();
    stream = z;
    z.on('data', (chunk: Buffer) => {
      if (!write.call(res, chunk)) z.pause();
    });
    res.on('drain', () => z.resume());
    z.on('end', () => end.call(res));
    z.on('error', (e) => res.destroy(e));
    // A client that went away: nothing more to compress.
    res.once('close', () => z.destroy());
  };

  res.writeHead = function (this: ServerResponse, statusCode: number, ...rest: unknown[]) {
    // writeHead(status, [message], [headers]): headers given here are applied first so that decide() sees them.
    const message = typeof rest[0] === 'string' ? rest[0] : undefined;
    const headers = (typeof rest[0] === 'string' ? rest[1] : rest[0]) as OutgoingHttpHeaders | unknown[] | undefined;
    if (Array.isArray(headers)) {
      for (let i = 0; i + 1 < headers.length; i += 2) res.setHeader(String(headers[i]), headers[i + 1] as string);
    } else if (headers) {
      for (const [k, v] of Object.entries(headers)) if (v !== undefined) res.setHeader(k, v);
    }
    res.statusCode = statusCode;
    decide();
    return message === undefined ? writeHead.call(this, statusCode) : writeHead.call(this, statusCode, message);
  } as ServerResponse['writeHead'];

  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    if (!res.headersSent) decide();
    if (!stream) return write.call(this, chunk, ...rest);
    const cb = rest.find((a) => typeof a === 'function') as WriteCallback | undefined;
    const enc = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined;
    return enc ? stream.write(chunk, enc, cb) : stream.write(chunk, cb);
  } as ServerResponse['write'];

  res.end = function (this: ServerResponse, ...args: unknown[]) {
    if (!res.headersSent) {
      // A body handed to end() alone has a length: a small one is sent as it is.
      const chunk = args[0];
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
        if (!res.hasHeader('content-length') && Buffer.byteLength(chunk) < MIN_BYTES) stream = null;
      }
      decide();
    }
    if (!stream) return end.apply(this, args);
    const cb = args.find((a) => typeof a === 'function') as (() => void) | undefined;
    if (cb) res.once('finish', cb);
    const chunk = typeof args[0] === 'function' ? undefined : args[0];
    const enc = typeof args[1] === 'string' ? (args[1] as BufferEncoding) : undefined;
    if (chunk !== undefined && chunk !== null) {
      if (enc) stream.end(chunk, enc);
      else stream.end(chunk);
    } else stream.end();
    return this;
  } as ServerResponse['end'];
}
