import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertCompany, insertStudy, linksOfWave, wavesOf, updateStudy } from '../../src/server/repositories/studies.ts';
import { lookupInvitation } from '../../src/server/services/participation.ts';
import { startNewWave } from '../../src/server/services/waves.ts';
import { addConsultant } from '../helpers/consultants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.cleanup());

describe('startNewWave', () => {
  it('starts round 2 with new links for the study and each company; round 1 links say the round has closed', async () => {
    const owner = await addConsultant(t.db, 'owner@example.com', 'pw');
    const study = await insertStudy(t.db, owner.id, 'Q1 study', 'study-link-1');
    const acme = await insertCompany(t.db, study.id, 'Acme', 'acme-link-1');
    const outcome = await startNewWave(t.db, owner, study.id);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.wave.number).toBe(2);
    expect((await wavesOf(t.db, study.id)).map((w) => w.number)).toEqual([1, 2]);
    const links = await linksOfWave(t.db, outcome.wave.id);
    expect(links.map((l) => l.companyId).sort()).toEqual([acme.id, null].sort());
    for (const l of links) {
      expect(l.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(['study-link-1', 'acme-link-1']).not.toContain(l.token);
      expect((await lookupInvitation(t.db, l.token)).ok).toBe(true);
    }
    expect(await lookupInvitation(t.db, 'acme-link-1')).toEqual({ ok: false, reason: 'old-wave' });
    expect(await startNewWave(t.db, owner, study.id)).toMatchObject({ ok: true, wave: { number: 3 } });
  });

  it("refuses another consultant's study as missing and leaves it unchanged", async () => {
    const owner = await addConsultant(t.db, 'owner@example.com', 'pw');
    const other = await addConsultant(t.db, 'other@example.com', 'pw');
    const study = await insertStudy(t.db, owner.id, 'Q1 study', 'study-link-1');
    expect(await startNewWave(t.db, other, study.id)).toEqual({ ok: false, reason: 'not-found' });
    expect(await startNewWave(t.db, other, 9999)).toEqual({ ok: false, reason: 'not-found' });
    expect(await wavesOf(t.db, study.id)).toHaveLength(1);
  });

  it('refuses a closed study and leaves it unchanged', async () => {
    const owner = await addConsultant(t.db, 'owner@example.com', 'pw');
    const study = await insertStudy(t.db, owner.id, 'Q1 study', 'study-link-1');
    await updateStudy(t.db, study.id, { status: 'closed' });
    expect(await startNewWave(t.db, owner, study.id)).toEqual({ ok: false, reason: 'closed' });
    expect(await wavesOf(t.db, study.id)).toHaveLength(1);
  });
});
