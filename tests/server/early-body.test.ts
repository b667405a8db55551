import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { earlyBodyBytesHeld, readBodyFirst, type EarlyBody } from '../../src/server/http/early-body.ts';

/** A server that reads each body first with small limits and answers what readBodyFirst said, and the body it kept. */
const LIMITS = { bytes: 1000, seconds: 1, budget: 1500 };
let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    void readBodyFirst(req, LIMITS).then((r: EarlyBody) => {
      const body = (req as IncomingMessage & { body?: Buffer }).body;
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ ...r, body: body?.toString() ?? null }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Sends headers and `first` now; `rest()` sends the remainder and ends; `answer` is what the server said. */
function send(headers: Record<string, string | number>, first: string) {
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers });
  const answer = new Promise<EarlyBody & { body: string | null }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
  });
  req.write(first);
  return { answer, rest: (s = '') => req.end(s), abort: () => req.destroy() };
}

const until = async (what: string, ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(ok(), what).toBe(true);
};

describe('a body read before its request takes a place', () => {
  it('keeps a complete body for the handler', async () => {
    const s = send({ 'content-length': 6 }, 'role=x');
    s.rest();
    expect(await s.answer).toEqual({ ok: true, body: 'role=x' });
  });

  it('refuses a declared length over the limit at once (413), and a chunked one as it passes it', async () => {
    const declared = send({ 'content-length': 2000 }, 'a');
    expect(await declared.answer).toMatchObject({ ok: false, status: 413 });
    declared.abort();
    const chunked = send({ 'transfer-encoding': 'chunked' }, 'x'.repeat(1200));
    expect(await chunked.answer).toMatchObject({ ok: false, status: 413 });
    chunked.abort();
  });

  it('holds no more than the budget across requests: one more is answered busy (503), and the bytes are given back', async () => {
    const first = send({ 'content-length': 1000 }, 'a');
    await until('the first body to be reading', () => earlyBodyBytesHeld() === 1000);
    const second = send({ 'content-length': 1000 }, 'b');
    expect(await second.answer).toMatchObject({ ok: false, status: 503 });
    second.abort();
    first.rest('x'.repeat(999));
    expect((await first.answer).ok).toBe(true);
    expect(earlyBodyBytesHeld()).toBe(0);
  });

  it('gives up on a body that does not arrive in time (408) and frees what it held', async () => {
    const slow = send({ 'content-length': 500 }, 'a');
    expect(await slow.answer).toMatchObject({ ok: false, status: 408 });
    slow.abort();
    expect(earlyBodyBytesHeld()).toBe(0);
  });
});
