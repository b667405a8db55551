import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NETWORK_WINDOW_MS } from '../../src/domain/population.ts';
import { networkOf } from '../../src/server/http/client-address.ts';
import { saveAnswers } from '../../src/server/repositories/participants.ts';
import { arrivalPopulation, COUNTED_NETWORK_BUCKET, networkHash } from '../../src/server/services/genuine.ts';
import { finishParticipant } from '../../src/server/services/scoring.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { addParticipant } from '../helpers/participants.ts';
import { insertStudy, insertCompany } from '../../src/server/repositories/studies.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

describe('networkOf', () => {
  it.each([
    ['192.0.2.77', '192.0.2.0/24'],
    ['::ffff:192.0.2.77', '192.0.2.0/24'],
    ['::ffff:c000:24d', '192.0.2.0/24'],
    ['2001:db8:1:2::5', '2001:db8:1::/48'],
    ['2001:0db8:0001:ffff:0:0:0:1', '2001:db8:1::/48'],
    ['2001:db8::1', '2001:db8:0::/48'],
    ['::1', '0:0:0::/48'],
    ['fe80::1%eth0', 'fe80:0:0::/48'],
  ])('puts %s in %s', (address, network) => {
    expect(networkOf(address)).toBe(network);
  });

  it('gives null for something that is not an address', () => {
    for (const bad of ['', 'unknown', '300.1.1.1', 'example.com']) expect(networkOf(bad)).toBeNull();
  });
});

describe('arrivalPopulation: who counts towards the benchmark', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(() => t.cleanup());

  const AT = new Date('2026-03-01T12:00:00Z');
  const open = async (address: string | null, at = AT) => arrivalPopulation(t.db, await addParticipant(t.db), address, at);

  it('counts the first open-enrolment finish of a network and no later one for 30 days', async () => {
    expect(await open('192.0.2.10')).toBe('benchmark');
    expect(await open('192.0.2.10')).toBe('unverified');
    // The rest of the /24 is the same network.
    expect(await open('192.0.2.200')).toBe('unverified');
    expect(await open('192.0.3.10')).toBe('benchmark');
    expect(await open('2001:db8:5:1::1')).toBe('benchmark');
    expect(await open('2001:db8:5:ffff::2')).toBe('unverified');
    expect(await open('192.0.2.10', new Date(AT.getTime() + NETWORK_WINDOW_MS - 1))).toBe('unverified');
    expect(await open('192.0.2.10', new Date(AT.getTime() + NETWORK_WINDOW_MS + 1))).toBe('benchmark');
  });

  it('does not count an open-enrolment participant whose address is unknown', async () => {
    expect(await open(null)).toBe('unverified');
    expect(await open('not an address')).toBe('unverified');
  });

  it('counts every participant invited through a study or company link, without taking their network’s place', async () => {
    await t.raw.run('INSERT INTO consultants (email, password_hash) VALUES (?, ?)', 'c@example.com', 'x');
    const c = (await t.raw.get<{ id: number }>('SELECT id FROM consultants'))!;
    const studyId = (await insertStudy(t.db, c.id, 'S', 's')).id;
    const companyId = (await insertCompany(t.db, studyId, 'Co', 'co')).id;
    for (let i = 0; i < 3; i++) expect(await arrivalPopulation(t.db, await addParticipant(t.db, { studyId }), '192.0.2.10', AT)).toBe('benchmark');
    expect(await arrivalPopulation(t.db, await addParticipant(t.db, { studyId, companyId }), '192.0.2.10', AT)).toBe('benchmark');
    expect(await open('192.0.2.10')).toBe('benchmark');
  });

  it('stores a keyed hash of the network only: never the address, and a different one in another database', async () => {
    await open('198.51.100.23');
    const hits = await t.raw.all<{ key: string }>('SELECT key FROM rate_limit_hits WHERE bucket = ?', COUNTED_NETWORK_BUCKET);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.key).toMatch(/^[0-9a-f]{64}$/);
    expect(hits[0]!.key).toBe(await networkHash(t.db, '198.51.100.0/24'));
    const dump = JSON.stringify(await t.raw.all('SELECT * FROM rate_limit_hits')) + JSON.stringify(await t.raw.all('SELECT * FROM settings'));
    expect(dump).not.toContain('198.51.100');
    const other = await openTestStore();
    try {
      expect(await networkHash(other.db, '198.51.100.0/24')).not.toBe(hits[0]!.key);
    } finally {
      await other.cleanup();
    }
  });

  it('is decided once, when the participant finishes, and kept', async () => {
    const p = await addParticipant(t.db);
    await saveAnswers(t.db, p.id, completeAnswers());
    expect((await finishParticipant(t.db, instrument, p.id, AT, { clientAddress: '203.0.113.5' })).population).toBe('benchmark');
    // Finishing again (a repeated post) neither re-decides nor takes another place.
    expect((await finishParticipant(t.db, instrument, p.id, AT, { clientAddress: '203.0.113.5' })).population).toBe('benchmark');
    expect(await open('203.0.113.6')).toBe('unverified');
  });
});
