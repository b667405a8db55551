import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The handlers use the process's one database (DATABASE_PATH): a file of this test's own, set before anything reads the config.
const scratch = vi.hoisted(() => {
  const fs = process.getBuiltinModule('node:fs');
  const os = process.getBuiltinModule('node:os');
  const path = process.getBuiltinModule('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'velocity-storage-write-'));
  process.env.DATABASE_PATH = path.join(dir, 'ro.sqlite');
  return { dir, path: process.env.DATABASE_PATH, rm: () => fs.rmSync(dir, { recursive: true, force: true }) };
});

import { pagesOf } from '../../src/domain/journey.ts';
import { profileSchema } from '../../src/domain/profile.ts';
import { openMigrated } from '../../src/server/db.ts';
import { handleInvitationStart } from '../../src/server/handlers/invitation.ts';
import { autosaveReply, handlePagePost } from '../../src/server/handlers/questionnaire.ts';
import { handleProfile } from '../../src/server/handlers/profile.ts';
import { insertCompany, insertStudy } from '../../src/server/repositories/studies.ts';
import { inviteAddresses, invitationToken } from '../../src/server/services/invitations.ts';
import { startParticipation } from '../../src/server/services/participation.ts';
import { addConsultant } from '../helpers/consultants.ts';
import { resetStorageHealth, storageProblems } from '../../src/server/storage-health.ts';
import { fingerprint } from '../helpers/forms.ts';
import { instrument, validProfile } from '../helpers/instrument.ts';
import { pageFields } from '../helpers/journey.ts';
import { makeReadOnly, type ReadOnly } from '../helpers/storage-faults.ts';

/**
 * Issue 14, at the handlers: a write that storage refuses is answered as
 * "not saved" (the page shows the form again with what was posted), stores
 * nothing and is logged once with its cause. The file is made read-only the
 * best way this machine allows (tests/helpers/storage-faults.ts), which works
 * for root and for any other user alike; the full disk itself is produced
 * under the built server in tests/site/storage.test.ts.
 */
let ro: ReadOnly;
let participant: Awaited<ReturnType<typeof startParticipation>> & { ok: true };
/** A personal invitation link, not yet used. */
let personalToken = '';
const logged: string[] = [];

beforeAll(async () => {
  const store = openMigrated(scratch.path);
  const started = await startParticipation(store, instrument, profileSchema(instrument).parse(validProfile()), null);
  if (!started.ok) throw new Error('the participant could not be started');
  participant = started;
  const owner = await addConsultant(store, 'owner@example.com', 'pw');
  const studyId = (await insertStudy(store, owner.id, 'Storage study', 'storage-study-01')).id;
  const companyId = (await insertCompany(store, studyId, 'Acme', 'storage-acme-001')).id;
  const invited = await inviteAddresses(store, instrument, owner, studyId, companyId, ['ann@example.com']);
  if (!invited?.ok) throw new Error('not invited');
  personalToken = await invitationToken(store, store.db.$client.prepare('SELECT id FROM invitations').pluck().get() as number);
  store.db.$client.close();
  ro = makeReadOnly(scratch.path);
  resetStorageHealth();
  vi.spyOn(process.stderr, 'write').mockImplementation((line) => {
    logged.push(String(line));
    return true;
  });
});
afterAll(() => {
  vi.restoreAllMocks();
  ro?.undo();
  scratch.rm();
});

describe('a write refused by storage', () => {
  it('answers a section save as not saved, stores nothing, and logs the cause once', async () => {
    const before = fingerprint(scratch.path);
    const page = pagesOf(instrument)[0]!;
    const outcome = await handlePagePost(instrument, participant.participant, participant.token, page, { ...pageFields(1), action: 'next' });
    expect(outcome, ro.method).toEqual({ ok: false, notSaved: 'save' });
    expect(fingerprint(scratch.path)).toBe(before);
    const faults = logged.filter((l) => l.includes('storage fault'));
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatch(/\(read-only, SQLITE_READONLY[A-Z_]*\) in saving page 1/);
    expect(storageProblems().map((p) => p.name)).toContain('write-failed');
  });

  it('answers an autosave with a JSON 503 and Retry-After', async () => {
    const page = pagesOf(instrument)[0]!;
    const res = await autosaveReply(instrument, participant.participant, participant.token, page, { ...pageFields(1), autosave: '1' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(await res.json()).toMatchObject({ saved: false, message: expect.stringContaining('your answers are still on this page') });
  });

  it('answers a start as not saved, without a participant that does not exist', async () => {
    const before = fingerprint(scratch.path);
    expect(await handleProfile(instrument, validProfile(), null)).toEqual({ ok: false, notSaved: true });
    expect(fingerprint(scratch.path)).toBe(before);
  });

  it('answers a start from a personal invitation as not saved, the invitation left unused', async () => {
    const before = fingerprint(scratch.path);
    expect(await handleInvitationStart(instrument, personalToken, validProfile())).toEqual({ ok: false, notSaved: true });
    expect(fingerprint(scratch.path)).toBe(before);
  });
});
