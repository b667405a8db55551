import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { profileSchema } from '../../src/domain/profile.ts';
import { safeText, unsafeCharacter } from '../../src/domain/safe-text.ts';
import { createStudy } from '../../src/server/services/studies.ts';
import { addConsultant } from '../helpers/consultants.ts';
import { expectUsageError, runCli } from '../helpers/cli.ts';
import { postForm, storeFingerprint } from '../helpers/forms.ts';
import { instrument, validProfile } from '../helpers/instrument.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { SETUP_MS } from '../helpers/limits.ts';

/**
 * Issue 11: control characters and right-to-left overrides in names spoofed
 * text in pages and PDFs ("Acme\u202Egnp.exe" reads as "Acmeexe.png").
 */
const SPOOFS: [string, string, string][] = [
  ['a right-to-left override', 'Acme\u202Egnp.exe', 'U+202E RIGHT-TO-LEFT OVERRIDE'],
  ['a left-to-right override', 'Acme\u202Dx', 'U+202D LEFT-TO-RIGHT OVERRIDE'],
  ['a right-to-left embedding', '\u202BAcme', 'U+202B RIGHT-TO-LEFT EMBEDDING'],
  ['a pop directional formatting', 'Acme\u202C', 'U+202C POP DIRECTIONAL FORMATTING'],
  ['a right-to-left isolate', 'Ac\u2067me', 'U+2067 RIGHT-TO-LEFT ISOLATE'],
  ['a pop directional isolate', 'Ac\u2069me', 'U+2069 POP DIRECTIONAL ISOLATE'],
  ['a right-to-left mark', 'Acme\u200F Ltd', 'U+200F RIGHT-TO-LEFT MARK'],
  ['an Arabic letter mark', 'Acme\u061C Ltd', 'U+061C ARABIC LETTER MARK'],
  ['a line feed inside', 'Acme\nLtd', 'U+000A LINE FEED'],
  ['a NUL', 'Acme\u0000Ltd', 'U+0000 a control character'],
  ['an escape sequence', 'Acme\u001B[31mLtd', 'U+001B a control character'],
  ['a DEL', 'Acme\u007F', 'U+007F a control character'],
  ['a C1 control', 'Acme\u0085Ltd', 'U+0085 a control character'],
  ['a line separator inside', 'Acme\u2028Ltd', 'U+2028 LINE SEPARATOR'],
  // Invisible characters that draw nothing (issue 12's attacker review): a blank or look-alike name.
  ['a zero-width space', 'Ac\u200Bme', 'U+200B ZERO WIDTH SPACE'],
  ['a byte-order mark', 'Ac\uFEFFme', 'U+FEFF ZERO WIDTH NO-BREAK SPACE'],
  ['a word joiner', 'Acme\u2060Ltd', 'U+2060 WORD JOINER'],
  ['a soft hyphen', 'Ac\u00ADme', 'U+00AD SOFT HYPHEN'],
  ['a tag character', 'Acme\u{E0041}', 'U+E0041'],
  ['a combining grapheme joiner', 'Ac\u034Fme', 'U+034F'],
  ['a Hangul filler', 'Acme\u3164', 'U+3164 HANGUL FILLER'],
  ['an invisible Khmer vowel', 'Ac\u17B4me', 'U+17B4'],
  ['a blank braille pattern', 'Acme\u2800', 'U+2800'],
  ['a private-use character', 'Acme\uE000', 'U+E000'],
  ['a lone surrogate', 'Acme\uD800', 'U+D800'],
  ['a run of ideographic spaces', 'Ac\u3000\u3000me', 'U+3000'],
  ['four combining marks in a row', 'A\u0301\u0302\u0303\u0304cme', 'U+0301'],
];

const FINE = ['Acme Ltd', 'Łódź Logistics', 'Müller & Söhne GmbH', 'شركة المثال', 'חברת דוגמה', '株式会社サンプル', 'Family 👨‍👩‍👧 Co', 'O’Brien, Smith & Co.', 'می‌خواهم Co', '3M'];

describe('one schema for names typed by people (issue 11)', () => {
  const name = safeText({ field: 'The name', max: 120, required: 'Enter a name.' });

  it.each(SPOOFS)('refuses %s, naming the character', (_what, text, character) => {
    expect(unsafeCharacter(text)).toBe(character);
    const parsed = name.safeParse(text);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toBe(
      `The name holds an invisible control or text-direction character (${character}). Type it again without it.`,
    );
  });

  it('refuses a name with no letter or digit to show', () => {
    for (const text of ['...', '—', '🚀🚀']) expect(name.safeParse(text).error?.issues[0]?.message, text).toBe('The name needs at least one letter or digit.');
  });

  it.each(FINE)('accepts %s as it was typed', (text) => {
    expect(unsafeCharacter(text)).toBeNull();
    expect(name.parse(` ${text} `)).toBe(text);
  });

  it('is what the profile form, the study names and the consultant CLI use', async () => {
    const profile = profileSchema(instrument).safeParse({ ...validProfile(), company: 'Acme\u202Egnp.exe' });
    expect(profile.success).toBe(false);
    expect(profile.error!.issues.map((i) => [i.path[0], i.message])).toEqual([
      ['company', '“Company name” holds an invisible control or text-direction character (U+202E RIGHT-TO-LEFT OVERRIDE). Type it again without it.'],
    ]);
    const t = await openTestStore();
    try {
      const db = t.db;
      const consultant = await addConsultant(db, 'c@example.com', 'correct horse battery staple');
      expect(await createStudy(db, consultant, 'Spring \u202Ekrambneb')).toEqual({
        ok: false,
        error: 'The name holds an invisible control or text-direction character (U+202E RIGHT-TO-LEFT OVERRIDE). Type it again without it.',
      });
      expect(await t.raw.get('SELECT count(*) AS n FROM studies')).toEqual({ n: 0 });
      const r = runCli(['user', 'create', '--email', 'x@example.com', '--name', 'Eve\u202Enimda', '--db', t.url], {
        input: 'a long and unusual passphrase for the test 42\n',
      });
      expectUsageError(r, 'U+202E RIGHT-TO-LEFT OVERRIDE');
    } finally {
      await t.cleanup();
    }
  });
});

describe('the profile form over HTTP', () => {
  let store: TestStore;
  let site: RunningSite;
  beforeAll(async () => {
    store = await openTestStore();
    site = await startSite(store.url);
  }, SETUP_MS);
  afterAll(async () => {
    await site?.stop();
    await store?.cleanup();
  });

  it('re-shows the form with the message beside the company field and stores nothing', async () => {
    const before = await storeFingerprint(store.raw);
    // A lone surrogate cannot travel in a form: its UTF-8 encoding turns it into U+FFFD, a visible character.
    for (const [, text, character] of SPOOFS.filter(([what]) => what !== 'a lone surrogate')) {
      const res = await postForm(site.base, '/start', { ...validProfile(), company: text });
      expect(res.status, JSON.stringify(text)).toBe(422);
      const html = await res.text();
      expect(html).toContain(`id="profile-company--error"`);
      expect(html).toContain(character);
    }
    expect(await storeFingerprint(store.raw)).toBe(before);
  });
});
