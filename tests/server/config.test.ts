import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/server/config.ts';

describe('parseConfig', () => {
  it('fills in the defaults for an empty environment', () => {
    expect(parseConfig({})).toMatchObject({ HOST: '127.0.0.1', PORT: 4321, PEER_MIN_GROUP: 5 });
  });

  it('reads numbers from strings and treats an empty value as unset', () => {
    expect(parseConfig({ PORT: '8080', PEER_MIN_GROUP: '10', HOST: '' })).toMatchObject({ PORT: 8080, PEER_MIN_GROUP: 10, HOST: '127.0.0.1' });
  });

  it.each(['abc', '0', '65536', '80.5', '-1'])('rejects PORT=%s with a message that names PORT', (port) => {
    expect(() => parseConfig({ PORT: port })).toThrow(ConfigError);
    expect(() => parseConfig({ PORT: port })).toThrow(/PORT/);
  });

  it('names every bad setting in one message', () => {
    expect(() => parseConfig({ PORT: 'x', PEER_MIN_GROUP: '1' })).toThrow(/PORT.*PEER_MIN_GROUP|PEER_MIN_GROUP.*PORT/);
  });

  it('refuses an SMTP_URL whose password has a % that starts no escape, saying how to write it and not echoing it', () => {
    expect(() => parseConfig({ SMTP_URL: 'smtp://bench:50%off!@mail.example.com:587', MAIL_FROM: 'bench@example.com' })).toThrow(/SMTP_URL.*%25/);
    expect(() => parseConfig({ SMTP_URL: 'smtp://bench:50%off!@mail.example.com:587', MAIL_FROM: 'bench@example.com' })).not.toThrow(/50%off/);
    expect(parseConfig({ SMTP_URL: 'smtp://bench:50%25off!@mail.example.com:587', MAIL_FROM: 'bench@example.com' }).SMTP_URL).toContain('50%25off');
  });
});
