import { afterEach, describe, expect, it } from 'vitest';
import { firstWithNumbers, markCompleted, saveNumbers } from '../../src/server/repositories/participants.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { instrument } from '../helpers/instrument.ts';
import { addParticipant } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

let t: TestStore | undefined;
afterEach(() => t?.cleanup());

describe('the sample report participant', () => {
  it('is never a real participant, even a completed one with numbers', async () => {
    t = await openTestStore();
    const real = await addParticipant(t.db);
    await saveNumbers(t.db, real.id, { opportunities: 10, dealValue: 1000, winRate: 20, cycleDays: 30 });
    await markCompleted(t.db, real.id, new Date());
    expect(await firstWithNumbers(t.db)).toBeUndefined();
    await seedParticipants(t.db, instrument, { count: 20, seed: 2 });
    const sample = (await firstWithNumbers(t.db))!;
    expect(sample.id).not.toBe(real.id);
    expect(sample.resumeTokenHash.startsWith('synthetic:')).toBe(true);
  });
});
