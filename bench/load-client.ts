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
  base: string,
  agent: Agent,
  send: Send,
  expected: number,
  timeoutMs: number,
  pdf = false,
): Promise<Answer> {
  const started = performance.now();
  for (let attempt = 0; ; attempt++) {
    tally.requests++;
    let answer: Awaited<ReturnType<typeof once>>;
    try {
      answer = await once(base, agent, send, timeoutMs);
    } catch (e) {
      const kind = e instanceof RequestFailed ? e.kind : String(e);
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
