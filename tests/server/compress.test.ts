import { createServer, request, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chooseEncoding, compressResponses } from '../../src/server/http/compress.ts';

/** Issue 14: compression on the way out (src/server/http/compress.ts), over a real node:http server. */
describe('chooseEncoding', () => {
  it.each([
    ['gzip, deflate, br', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0.5, br;q=0.2', 'gzip'],
    ['identity', null],
    ['*', 'br'],
    ['', null],
    [undefined, null],
  ])('%j → %j', (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });
});

async function fetchRaw(listener: RequestListener, acceptEncoding: string, method = 'GET') {
  const server = createServer((req, res) => {
    compressResponses(req, res);
    listener(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', method, headers: { 'accept-encoding': acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    server.close();
  }
}

const page = '<!doctype html><p>' + 'A steady pipeline converts. '.repeat(200) + '</p>';

describe('compressResponses', () => {
  it('compresses a page written in chunks after writeHead, as Astro writes it', async () => {
    const r = await fetchRaw((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write(page.slice(0, 1000));
      res.write(Buffer.from(page.slice(1000)));
      res.end();
    }, 'br');
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers['content-length']).toBeUndefined();
    expect(brotliDecompressSync(r.body).toString('utf8')).toBe(page);
  });

  it('compresses a body set with setHeader and end(), with gzip when br is not accepted', async () => {
    const r = await fetchRaw((_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Content-Length', Buffer.byteLength(page));
      res.end(page);
    }, 'gzip');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(r.body).toString('utf8')).toBe(page);
    expect(r.headers.vary).toBe('Accept-Encoding');
  });

  it('leaves PDFs, small bodies and already encoded bodies as they are', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4000, 7)]);
    const a = await fetchRaw((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': pdf.length });
      res.end(pdf);
    }, 'br, gzip');
    expect(a.headers['content-encoding']).toBeUndefined();
    expect(a.body.equals(pdf)).toBe(true);
    const b = await fetchRaw((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<p>short</p>');
    }, 'br');
    expect(b.headers['content-encoding']).toBeUndefined();
    expect(b.body.toString()).toBe('<p>short</p>');
  });

  it('sends the page plain, with Vary, to a client that accepts no compression', async () => {
    const r = await fetchRaw((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page);
    }, 'identity');
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.headers.vary).toBe('Accept-Encoding');
    expect(r.body.toString('utf8')).toBe(page);
  });
});
