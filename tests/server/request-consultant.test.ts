import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import type { Consultant } from '../../db/schema.ts';
import { setRequestConsultant } from '../../src/server/auth/request-consultant.ts';
import { consultantFor } from '../../src/server/auth/sign-in.ts';
import { hashToken, newToken } from '../../src/server/auth/tokens.ts';
import { sqliteStore } from '../../src/server/data/store.ts';
import { insertSession } from '../../src/server/repositories/sessions.ts';
import { storageFaultOf } from '../../src/server/storage-fault.ts';
import { addConsultant } from '../helpers/consultants.ts';
import { damagePage } from '../helpers/storage-faults.ts';
import { openTempDb, type TempDb } from '../helpers/temp-db.ts';

/**
 * Review finding 4 of issue 15: a session check that fails for a storage
 * fault is not "nobody signed in". The middleware sets the consultant with
 * setRequestConsultant; the site-level test on PostgreSQL is
 * tests/pg/frozen.test.ts.
 */
let temp: TempDb | undefined;
afterEach(() => temp?.cleanup());

const locals = () => ({ consultant: null }) as { consultant: Consultant | null };

describe('setRequestConsultant', () => {
  it('sets the consultant of a valid session, and null without one', async () => {
    temp = openTempDb();
    const consultant = await addConsultant(temp.db, 'a@example.com', 'a long enough password 1');
    const token = newToken();
    await insertSession(temp.db, hashToken(token), consultant.id, new Date(Date.now() + 3_600_000));
    const signedIn = locals();
    await setRequestConsultant(signedIn, () => consultantFor(temp!.db, token));
    expect(signedIn.consultant?.id).toBe(consultant.id);
    const nobody = locals();
    await setRequestConsultant(nobody, () => consultantFor(temp!.db, newToken()));
    expect(nobody.consultant).toBeNull();
  });

  it('on a damaged SQLite database, makes asking who is signed in fail with that storage fault instead of answering "nobody"', async () => {
    temp = openTempDb();
    const consultant = await addConsultant(temp.db, 'b@example.com', 'a long enough password 1');
    const token = newToken();
    await insertSession(temp.db, hashToken(token), consultant.id, new Date(Date.now() + 3_600_000));
    const root = temp.db.db.$client.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'sessions'").pluck().get() as number;
    // Closing checkpoints the WAL into the file, so the page damaged below is the one read next.
    temp.db.db.$client.close();
    damagePage(temp.path, root);
    const damaged = sqliteStore(openDatabase(temp.path, { check: false }));
    try {
      const request = locals();
      await setRequestConsultant(request, () => consultantFor(damaged, token));
      let thrown: unknown;
      try {
        void request.consultant;
      } catch (e) {
        thrown = e;
      }
      expect(storageFaultOf(thrown)?.problem).toBe('corrupt');
      // Copying or printing the locals is no question about the session, and must not throw.
      expect(() => JSON.stringify(request)).not.toThrow();
      expect(() => ({ ...request })).not.toThrow();
    } finally {
      damaged.db.$client.close();
    }
  });

  it("sets the consultant again on the same locals after a failed lookup (Astro's error page runs the middleware again)", async () => {
    const request = locals();
    const dropped = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    await setRequestConsultant(request, () => Promise.reject(dropped));
    expect(() => request.consultant).toThrow(dropped);
    const consultant = { id: 7 } as Consultant;
    await setRequestConsultant(request, () => Promise.resolve(consultant));
    expect(request.consultant).toBe(consultant);
    request.consultant = null;
    expect(request.consultant).toBeNull();
  });

  it('throws any other error at once: a bug is not a storage fault', async () => {
    const bug = new TypeError('not a storage fault');
    await expect(setRequestConsultant(locals(), () => Promise.reject(bug))).rejects.toBe(bug);
  });
});
