import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAgent, percentile, RequestFailed, step, Tally } from '../../bench/load-client.ts';
import { EVENTUALLY_MS } from '../helpers/limits.ts';

/** bench:load's client: what it retries, what it counts as a failure, and of which kind. */
let server: Server;
let base = '';
const seen = new Map<string, number>();
let handle: (req: IncomingMessage, res: ServerResponse, nth: number) => void = () => undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    const nth = (seen.get(req.url!) ?? 0) + 1;
    seen.set(req.url!, nth);
    req.resume();
    req.on('end', () => handle(req, res, nth));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** The longest a request to this local server may take (tests/helpers/limits.ts). */
const LIMIT_MS = EVENTUALLY_MS;

describe('bench:load client', () => {
  it('waits for each shed answer (503 + Retry-After) and retries until the answer comes, counting each', async () => {
    handle = (_req, res, nth) => (nth <= 2 ? res.writeHead(503, { 'retry-after': '0' }).end('busy') : res.writeHead(303, { location: '/r/x/2' }).end());
    const tally = new Tally();
    const agent = browserAgent();
    const answer = await step(tally, 'save', base, agent, { method: 'POST', path: '/shed', form: { a: '1' } }, 303, LIMIT_MS);
    agent.destroy();
    expect(answer.location).toBe('/r/x/2');
    expect({ shed: tally.shed, retries: tally.retries, requests: tally.requests, errors: tally.errors.size }).toEqual({ shed: 2, retries: 2, requests: 3, errors: 0 });
    expect(tally.latencies.get('save')).toHaveLength(1);
  });

  it('does not wait an hour: a 429 with a long Retry-After (the start limit) is a failure of its own kind', async () => {
    handle = (_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end();
    const tally = new Tally();
    const agent = browserAgent();
    await expect(step(tally, 'start', base, agent, { method: 'POST', path: '/limited', form: {} }, 303, LIMIT_MS)).rejects.toThrow(RequestFailed);
    agent.destroy();
    expect([...tally.errors]).toEqual([['HTTP 429', 1]]);
    expect(tally.shed).toBe(0);
  });

  it('counts a connection the server drops as ECONNRESET, and a PDF that comes as a "being prepared" page as shed', async () => {
    handle = (req, res) => req.socket.destroy();
    const tally = new Tally();
    const agent = browserAgent();
    await expect(step(tally, 'page', base, agent, { method: 'GET', path: '/reset' }, 200, LIMIT_MS)).rejects.toThrow('ECONNRESET');
    expect(tally.resets).toBe(1);

    handle = (_req, res, nth) =>
      nth === 1 ? res.writeHead(200, { 'content-type': 'text/html', refresh: '0' }).end('<p>Preparing</p>') : res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-');
    await step(tally, 'pdf', base, agent, { method: 'GET', path: '/report.pdf' }, 200, LIMIT_MS, true);
    agent.destroy();
    expect(tally.shed).toBe(1);
    expect(tally.latencies.get('pdf')).toHaveLength(1);
  });

  it('takes the nearest-rank percentile', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect([percentile(values, 50), percentile(values, 95), percentile(values, 99), percentile(values, 100)]).toEqual([50, 95, 99, 100]);
    expect(percentile([], 50)).toBeNaN();
  });
});
