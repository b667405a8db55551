import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/server/config.ts';
import { redactSecrets } from '../../src/server/http/log-redaction.ts';
import { moveToOrigin, siteOrigin } from '../../src/server/http/proxy.ts';

describe('siteOrigin', () => {
  const local = { HOST: '127.0.0.1', PUBLIC_ORIGIN: undefined };
  it.each([
    ['http://127.0.0.1:4321/r/x', local, 'http://127.0.0.1:4321'],
    ['http://localhost:8080/', local, 'http://localhost:8080'],
    ['http://127.5.6.7/', local, 'http://127.5.6.7'],
    ['http://[::1]:4321/', local, 'http://[::1]:4321'],
    ['http://evil.example/', local, null],
    ['http://localhost.evil.example/', local, null],
    ['http://10.0.0.5:4321/', { HOST: '10.0.0.5', PUBLIC_ORIGIN: undefined }, 'http://10.0.0.5:4321'],
    ['http://10.0.0.5:4321/', { HOST: '0.0.0.0', PUBLIC_ORIGIN: undefined }, null],
    ['http://[2001:db8::5]:4321/', { HOST: '2001:db8::5', PUBLIC_ORIGIN: undefined }, 'http://[2001:db8::5]:4321'],
    ['http://evil.example/', { HOST: '0.0.0.0', PUBLIC_ORIGIN: 'https://bench.example.com' }, 'https://bench.example.com'],
  ])('%s with %j is answered as %s', (url, cfg, expected) => {
    expect(siteOrigin(new URL(url), cfg)).toBe(expected);
  });

  it('moves a URL to another origin, port included or dropped, keeping the path and query', () => {
    const url = new URL('http://127.0.0.1:4321/r/abc/1?incomplete=1');
    moveToOrigin(url, 'https://bench.example.com');
    expect(url.href).toBe('https://bench.example.com/r/abc/1?incomplete=1');
    moveToOrigin(url, 'https://bench.example.com:8443');
    expect(url.origin).toBe('https://bench.example.com:8443');
  });
});

describe('redactSecrets', () => {
  it.each([
    ['Could not render http://127.0.0.1:4321/r/Ab_c-1234567890abcdefg/1', 'Could not render http://127.0.0.1:4321/r/[redacted]/1'],
    ['GET /r/Ab_c-1234567890abcdefg?x=1', 'GET /r/[redacted]?x=1'],
    ['/join/drill-down-study-1 and /join/other', '/join/[redacted] and /join/[redacted]'],
    ['encoded %2Fr%2FAbc123%2F1', 'encoded %2Fr%2F[redacted]%2F1'],
    ['POST /i/Ab_c-1234567890abcdefg/continue', 'POST /i/[redacted]/continue'],
    ['GET http://127.0.0.1:4321/unsubscribe/12-Ab_c-1234567890abcdefg', 'GET http://127.0.0.1:4321/unsubscribe/[redacted]'],
    ['cookie: vi_session=abcdef123; other=1', 'cookie: vi_session=[redacted]; other=1'],
    ['/results and /rooms/1 and /start stay', '/results and /rooms/1 and /start stay'],
  ])('%s', (line, expected) => {
    expect(redactSecrets(line)).toBe(expected);
  });
});

describe('deployment settings', () => {
  it.each([
    ['https://Bench.Example.com/', 'https://bench.example.com'],
    ['https://bench.example.com:8443', 'https://bench.example.com:8443'],
    ['http://10.0.0.5:4321', 'http://10.0.0.5:4321'],
  ])('PUBLIC_ORIGIN=%s is the origin %s', (raw, origin) => {
    expect(parseConfig({ PUBLIC_ORIGIN: raw }).PUBLIC_ORIGIN).toBe(origin);
  });

  it.each(['bench.example.com', 'https://bench.example.com/app', 'https://bench.example.com/?a=1', 'ftp://bench.example.com', 'https://u:p@bench.example.com'])(
    'refuses PUBLIC_ORIGIN=%s, naming the setting',
    (raw) => {
      expect(() => parseConfig({ PUBLIC_ORIGIN: raw })).toThrow(/PUBLIC_ORIGIN: must/);
    },
  );

  it('reads TRUST_PROXY as a list of addresses and refuses a name', () => {
    expect(parseConfig({ TRUST_PROXY: '127.0.0.1, ::1' }).TRUST_PROXY).toEqual(['127.0.0.1', '::1']);
    expect(parseConfig({}).TRUST_PROXY).toEqual([]);
    expect(() => parseConfig({ TRUST_PROXY: '127.0.0.1,proxy.local' })).toThrow(/TRUST_PROXY.*"proxy\.local" is not an IP address/);
  });

  it('limits participant starts to 20 an hour by default; 0 turns the limit off', () => {
    expect(parseConfig({}).PARTICIPANT_STARTS_PER_HOUR).toBe(20);
    expect(parseConfig({ PARTICIPANT_STARTS_PER_HOUR: '0' }).PARTICIPANT_STARTS_PER_HOUR).toBe(0);
    expect(() => parseConfig({ PARTICIPANT_STARTS_PER_HOUR: '-1' })).toThrow(/PARTICIPANT_STARTS_PER_HOUR/);
  });
});
