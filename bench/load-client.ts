import { Agent, request } from 'node:http';

/**
 * The HTTP side of `npm run bench:load`: one request as a browser sends it,
 * timed, with the server's "come back later" answers (503, or 429 from a full
 * render queue, with a Retry-After of at most a minute) honoured and retried,
 * and every failure sorted by kind. node:http rather than fetch: its errors
 * keep their codes (ECONNRESET, ECONNREFUSED), which is what the run counts.
 */

export interface Answer {
  status: number;
  location: string | undefined;
  contentType: string;
  bytes: number;
}

/** Latencies per step name and failures per kind, shared by every participant of a run. */
export class Tally {
  readonly latencies = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  shed = 0;
  retries = 0;
  requests = 0;
  /** Requests retried on another instance after a connection error, by the error's kind (a proxy's next-upstream). */
  readonly moved = new Map<string, number>();
  /** Requests an instance had in flight when it was killed: failed, by method. */
  readonly killedInFlight = new Map<string, number>();

  time(step: string, ms: number): void {
    const list = this.latencies.get(step);
    if (list) list.push(ms);
    else this.latencies.set(step, [ms]);
  }

  fail(kind: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
  }

  get resets(): number {
    return this.errors.get('ECONNRESET') ?? 0;
  }
}

export class RequestFailed extends Error {
  readonly kind: string;
  constructor(kind: string) {
    super(kind);
    this.kind = kind;
  }
}

/** What a browser keeps per site: one or two connections, reused. */
export function browserAgent(connections = 2): Agent {
  return new Agent({ keepAlive: true, maxSockets: connections });
}

export interface Send {
  method: 'GET' | 'POST';
  path: string;
  form?: Record<string, string>;
  /** The participant's own address, believed by a server started with TRUST_PROXY=127.0.0.1. */
  client?: string;
}

/** One request, no retry: resolves with the answer, rejects with RequestFailed(kind). */
export function once(base: string, agent: Agent, send: Send, timeoutMs: number): Promise<Answer & { retryAfter: number | undefined }> {
  const url = new URL(send.path, base);
  const body = send.form ? new URLSearchParams(send.form).toString() : undefined;
  const headers: Record<string, string> = { 'accept-language': 'en-GB' };
  if (body !== undefined) Object.assign(headers, { origin: base, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) });
  if (send.client) headers['x-forwarded-for'] = send.client;
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: send.method, headers, agent }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => {
        // Retry-After on a shed answer; Refresh on a "your report is being prepared" page.
        const wait = parseFloat(String(res.headers['retry-after'] ?? res.headers.refresh ?? ''));
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, contentType: res.headers['content-type'] ?? '', bytes, retryAfter: Number.isFinite(wait) ? wait : undefined });
      });
      res.on('error', (e: NodeJS.ErrnoException) => reject(new RequestFailed(e.code ?? e.message)));
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => reject(new RequestFailed(e.code ?? e.message)));
    req.end(body);
  });
}

/**
 * With several app servers, a proxy in front of them spreads participants over
 * them: each participant has a home instance, and a request that meets a
 * connection error there is sent again to the next instance (as a proxy's
 * next-upstream would), which becomes the participant's home from then on.
 * A request that was already in flight on an instance when the bench killed
 * it is not moved by the proxy: it fails, as a proxy answers 502 for a
 * request its upstream died under (counted apart), and the participant
 * sends it again, reaching the next instance.
 */
export interface Route {
  readonly bases: readonly string[];
  home: number;
  /** Instance index → performance.now() of its kill -9, shared by every participant of a run. */
  readonly killedAt: ReadonlyMap<number, number>;
}

/** Failures of the connection itself (the server never answered): what a proxy retries on another upstream. */
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** The longest Retry-After the script waits for; a longer one (the hourly start limit) is a failure. */
export const MAX_RETRY_AFTER_S = 60;
/** Retries of one request before the journey counts as failed. */
export const MAX_RETRIES = 30;

/**
 * One step of a journey: retried after each shed answer, after the server's
 * Retry-After (a second when it names none), timed from the first attempt to
 * the final answer, as the participant experiences it. Anything but
 * `expected` is a failure of the kind "HTTP <status>". With `pdf`, a 200 that
 * is not a PDF but a page asking to come back (Refresh) is waited for like a
 * shed answer, and any other is a failure.
 */
export async function step(
  tally: Tally,
  name: string,
  target: string | Route,
  agent: Agent,
  send: Send,
  expected: number,
  timeoutMs: number,
  pdf = false,
): Promise<Answer> {
  const started = performance.now();
  let moves = 0;
  for (let attempt = 0; ; attempt++) {
    tally.requests++;
    let answer: Awaited<ReturnType<typeof once>>;
    const sent = performance.now();
    const route = typeof target === 'string' ? null : target;
    try {
      answer = await once(route ? route.bases[route.home]! : (target as string), agent, send, timeoutMs);
    } catch (e) {
      const kind = e instanceof RequestFailed ? e.kind : String(e);
      if (route && route.bases.length > 1 && CONNECTION_ERRORS.has(kind)) {
        const killed = route.killedAt.get(route.home);
        const inFlight = killed !== undefined && sent < killed;
        if (moves < route.bases.length - 1) {
          moves++;
          // A request the killed instance had in flight failed (the proxy's 502); the participant presses again.
          if (inFlight) {
            tally.killedInFlight.set(send.method, (tally.killedInFlight.get(send.method) ?? 0) + 1);
            tally.fail(`${kind}, in flight on the killed instance (sent again)`);
          } else tally.moved.set(kind, (tally.moved.get(kind) ?? 0) + 1);
          route.home = (route.home + 1) % route.bases.length;
          attempt--;
          continue;
        }
      }
      tally.fail(kind);
      throw new RequestFailed(kind);
    }
    const preparing = pdf && answer.status === 200 && !answer.contentType.startsWith('application/pdf');
    const shed = (answer.status === 503 || answer.status === 429 || (preparing && answer.retryAfter !== undefined)) && (answer.retryAfter ?? 1) <= MAX_RETRY_AFTER_S;
    if (shed && attempt < MAX_RETRIES) {
      tally.shed++;
      tally.retries++;
      // A little spread, so that the shed participants do not all come back in the same millisecond.
      await new Promise((r) => setTimeout(r, (answer.retryAfter ?? 1) * 1000 * (1 + Math.random() * 0.25)));
      continue;
    }
    if (answer.status !== expected || preparing) {
      const kind = preparing ? `not a PDF (${answer.contentType})` : `HTTP ${answer.status}`;
      tally.fail(kind);
      throw new RequestFailed(kind);
    }
    tally.time(name, performance.now() - started);
    return answer;
  }
}

/** p-th percentile (0–100) of a list, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
