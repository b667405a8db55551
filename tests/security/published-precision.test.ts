import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { optionsOf } from '../../src/domain/answers.ts';
import { itemScore } from '../../src/domain/scoring.ts';
import { hashToken } from '../../src/server/auth/tokens.ts';
import { saveAnswers } from '../../src/server/repositories/participants.ts';
import { finishParticipant } from '../../src/server/services/scoring.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { addParticipant } from '../helpers/participants.ts';
import { insertStudy } from '../../src/server/repositories/studies.ts';
import { insertConsultant } from '../../src/server/repositories/consultants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/**
 * Issue 11: peer figures were printed as whole numbers, but the markup carried
 * two decimals (style="left:44.76%"), more precise than the text and enough to
 * match a median to one member's stored score.
 */
let store: TestStore;
const TOKEN = 'precisionReaderToken01';
let site: RunningSite;

beforeAll(async () => {
  store = await openTestStore();
  const db = store.db;
  const c = await insertConsultant(db, { email: 'c@example.com', passwordHash: 'x' });
  const studyId = (await insertStudy(db, c.id, 'Precision', 'precision-invite')).id;
  // Twenty-four study participants in one peer group, with scores that fall between whole points.
  for (let n = 0; n <= 24; n++) {
    const p = await addParticipant(db, { studyId, ...(n === 0 ? { resumeTokenHash: hashToken(TOKEN) } : {}) });
    await saveAnswers(
      db,
      p.id,
      completeAnswers(instrument, (item) => {
        if (item.kind === 'number') return undefined;
        const ranked = optionsOf(instrument, item).map((o) => o.id).sort((a, b) => itemScore(instrument, item, a)! - itemScore(instrument, item, b)!);
        return ranked[(n + item.id.length) % ranked.length]!;
      }),
    );
    await finishParticipant(db, instrument, p.id);
  }
  site = await startSite(store.url);
}, SETUP_MS);
afterAll(async () => {
  await site?.stop();
  await store?.cleanup();
});

/** Every number in style and data attributes and in SVG coordinates that carries decimals. */
function preciseNumbersInMarkup(html: string): string[] {
  const attributes = [...html.matchAll(/\s(style|data-[\w-]+|title)="([^"]*)"/g)].map((m) => m[2]!);
  return attributes.flatMap((value) => value.match(/\d+\.\d+%/g) ?? []);
}

describe('published precision (issue 11)', () => {
  it('puts no more precise a figure in the results page markup than its text shows', async () => {
    const html = await (await fetch(`${site.base}/r/${TOKEN}/results`)).text();
    expect(html).toContain('Peer median');
    expect(preciseNumbersInMarkup(html)).toEqual([]);
  });

  it('draws the company report page’s charts at whole points', async () => {
    const html = await (await fetch(`${site.base}/r/${TOKEN}/report/company`)).text();
    expect(html).toContain('Where you sit in your peer group');
    expect(preciseNumbersInMarkup(html)).toEqual([]);
    // The bars, gauge and histogram are SVG drawn from published values: the peer marks sit on whole points.
    expect(html).not.toMatch(/left:\d+\.\d+%/);
  });
});
