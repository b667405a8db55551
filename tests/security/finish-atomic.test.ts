import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The handlers use the process's one database (DATABASE_PATH): a file of this test's own, set before anything reads the config.
const scratch = vi.hoisted(() => {
  const fs = process.getBuiltinModule('node:fs');
  const os = process.getBuiltinModule('node:os');
  const path = process.getBuiltinModule('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'velocity-finish-race-'));
  process.env.DATABASE_PATH = path.join(dir, 'race.sqlite');
  return { dir, rm: () => fs.rmSync(dir, { recursive: true, force: true }) };
});

import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { Participant } from '../../db/schema.ts';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { optionsOf } from '../../src/domain/answers.ts';
import { pagesOf, type Page } from '../../src/domain/journey.ts';
import { closeDb, db, openMigrated } from '../../src/server/db.ts';
import type { SqliteStore } from '../../src/server/data/store.ts';
import { handlePagePost } from '../../src/server/handlers/questionnaire.ts';
import { findParticipant, loadAnswers, loadNumbers, saveAnswers } from '../../src/server/repositories/participants.ts';
import { deleteParticipation } from '../../src/server/services/participation.ts';
import { rebuildPeerStats } from '../../src/server/services/peer-stats.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { addParticipant } from '../helpers/participants.ts';
import { fingerprint, postForm } from '../helpers/forms.ts';
import { formBody } from '../helpers/http.ts';
import { answerAllButLast, pageFields, startParticipant } from '../helpers/journey.ts';
import { SETUP_MS } from '../helpers/limits.ts';

afterAll(() => {
  closeDb();
  scratch.rm();
});

const pages = pagesOf(instrument);
const lastPage = pages.at(-1)!;

/** The form a participant posts on a page: every question answered with option `variant` (modulo the options). */
function formFor(page: Page, variant: number): Record<string, string> {
  if (page.kind === 'numbers') {
    const field = instrument.numbers.fields.find((f) => f.kind === 'integer')!;
    return field.kind === 'currency' ? {} : { [field.id]: String(field.min + variant) };
  }
  return Object.fromEntries(
    page.section.items.map((item) => {
      if (item.kind === 'number') return [item.id, String(item.min + variant)];
      const options = optionsOf(instrument, item);
      return [item.id, options[variant % options.length]!.id];
    }),
  );
}

/** Both statistics tables, decoded; float sums rounded, since adding in another order changes the last bits only. */
function statsDump() {
  const ints = (b: Buffer) => Array.from({ length: b.length / 4 }, (_, i) => b.readInt32LE(i * 4));
  const doubles = (b: Buffer) => Array.from({ length: b.length / 8 }, (_, i) => Math.round(b.readDoubleLE(i * 8) * 1e6) / 1e6);
  const client = (db() as SqliteStore).db.$client;
  return {
    counts: (client.prepare('SELECT * FROM peer_score_counts ORDER BY dimension, key, measure, point').all() as { hundredths: Buffer }[]).map((r) => ({
      ...r,
      hundredths: ints(r.hundredths),
    })),
    sums: (client.prepare('SELECT * FROM peer_item_sums ORDER BY dimension, key, item_id').all() as { n: Buffer; total: Buffer }[]).map((r) => ({
      ...r,
      n: ints(r.n),
      total: doubles(r.total),
    })),
  };
}

type Request = { kind: 'save'; who: number; page: number; variant: number } | { kind: 'finish'; who: number } | { kind: 'delete'; who: number };

const PEOPLE = 3;
const request: fc.Arbitrary<Request> = fc.oneof(
  fc.record({ kind: fc.constant('save' as const), who: fc.nat(PEOPLE - 1), page: fc.integer({ min: 1, max: pages.length }), variant: fc.nat(4) }),
  fc.record({ kind: fc.constant('finish' as const), who: fc.nat(PEOPLE - 1) }),
  fc.record({ kind: fc.constant('delete' as const), who: fc.nat(PEOPLE - 1) }),
);

/**
 * Every request in two steps, as the server runs it: the participant is read
 * when the request arrives (the page answers a completed participant with
 * its results and a deleted one with 404 at once), and acts later, once its
 * body has been read. Between the two, any other request may run.
 */
async function run(requests: Request[], picks: number[]): Promise<void> {
  const people: number[] = [];
  for (let i = 0; i < PEOPLE; i++) {
    const p = await addParticipant(db(), { industry: 'manufacturing' });
    await saveAnswers(db(), p.id, completeAnswers());
    people.push(p.id);
  }
  const arrived: (Participant | undefined)[] = requests.map(() => undefined);
  const finishedWith = new Map<number, { answers: Record<string, string>; numbers: unknown }>();
  // Requests with a step still to take; each takes "arrive" first, then "act".
  const pending = requests.map((_, i) => i);
  for (let step = 0; pending.length; step++) {
    const at = picks[step % picks.length]! % pending.length;
    const i = pending[at]!;
    const r = requests[i]!;
    const id = people[r.who]!;
    const p = arrived[i];
    if (!p) {
      const read = await findParticipant(db(), id);
      if (!read || (r.kind !== 'delete' && read.status === 'completed')) pending.splice(at, 1);
      else arrived[i] = read;
      continue;
    }
    if (r.kind === 'delete') await deleteParticipation(db(), p);
    else if (r.kind === 'finish') await handlePagePost(instrument, p, 'token', lastPage, { ...formFor(lastPage, 0), action: 'finish' });
    else await handlePagePost(instrument, p, 'token', pages[r.page - 1]!, { ...formFor(pages[r.page - 1]!, r.variant), action: 'save' });
    pending.splice(at, 1);
    const now = await findParticipant(db(), id);
    if (now?.status === 'completed' && !finishedWith.has(id)) finishedWith.set(id, { answers: await loadAnswers(db(), id), numbers: await loadNumbers(db(), id) });
  }
  for (const [id, at] of finishedWith) {
    if (!(await findParticipant(db(), id))) continue;
    expect(await loadAnswers(db(), id), `participant ${id}'s answers changed after finishing`).toEqual(at.answers);
    expect(await loadNumbers(db(), id), `participant ${id}'s numbers changed after finishing`).toEqual(at.numbers);
  }
  const kept = statsDump();
  await rebuildPeerStats(db(), instrument);
  expect(kept, 'the stored peer statistics differ from a rebuild from the scores').toEqual(statsDump());
}

describe('finishing is atomic (issue 11)', () => {
  it('random interleavings of save, finish and delete keep the statistics equal to a rebuild and a finished participant’s answers unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), async (requests, picks) => {
        await run(requests, picks);
      }),
      { numRuns: 50 },
    );
  });

  it('a save that arrived before finishing and is stored after it changes nothing', async () => {
    // The case the attack found, spelled out: the slow post of page 1 lands after the finish and then the participant deletes.
    await run(
      [
        { kind: 'save', who: 0, page: 1, variant: 1 },
        { kind: 'finish', who: 0 },
        { kind: 'delete', who: 0 },
      ],
      [0, 1, 1, 0, 0, 0],
    );
  });
});

describe('a slow page post that arrives after finishing, over HTTP', () => {
  const sitePath = join(scratch.dir, 'site.sqlite');
  let site: RunningSite;
  beforeAll(async () => {
    openMigrated(sitePath).db.$client.close();
    site = await startSite(sitePath);
  }, SETUP_MS);
  afterAll(async () => {
    await site?.stop();
  });

  it('stores nothing and sends the participant to the results with a note', async () => {
    const token = await startParticipant(site.base);
    await answerAllButLast(site.base, token);
    // Page 1 again with other answers, its body held back until the participant has finished in another tab.
    const body = formBody({ ...formFor(pages[0]!, 1), action: 'next' });
    const url = new URL(`/r/${token}/1`, site.base);
    const slow = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { origin: site.base, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    });
    const answered = new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
      slow.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location });
      });
      slow.on('error', reject);
    });
    slow.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 200));
    const finish = await postForm(site.base, `/r/${token}/${pages.length}`, { ...pageFields(pages.length), action: 'finish' });
    expect(finish.headers.get('location')).toBe(`/r/${token}/results`);
    const finished = fingerprint(sitePath);
    slow.end(body.slice(10));
    expect(await answered).toEqual({ status: 303, location: `/r/${token}/results?already-finished=1` });
    expect(fingerprint(sitePath)).toBe(finished);
    const results = await (await fetch(`${site.base}/r/${token}/results?already-finished=1`)).text();
    expect(results).toContain('data-testid="already-finished"');
  });
});
