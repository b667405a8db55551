import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawSvg } from '../../src/server/brand/draw-worker.ts';
import { prepareLogo } from '../../src/server/brand/logo.ts';
import { LOGO_BOX, MAX_LOGO_ASPECT } from '../../src/domain/brand.ts';
import { findParticipant, saveAnswers } from '../../src/server/repositories/participants.ts';
import { companyReportFor, personalReportFor } from '../../src/server/services/reports.ts';
import { finishParticipant } from '../../src/server/services/scoring.ts';
import { findInvite, findLogo, studiesOf } from '../../src/server/repositories/studies.ts';
import { changeStudyBrand, logoUrl, reportBrand, studyBrand, type BrandForm } from '../../src/server/services/study-brand.ts';
import { createStudy } from '../../src/server/services/studies.ts';
import { addConsultant } from '../helpers/consultants.ts';
import { completeAnswers, instrument } from '../helpers/instrument.ts';
import { addParticipant } from '../helpers/participants.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { BENIGN_SVG, COSTLY_SVGS, MALICIOUS_SVGS, PARSER_BOMBS, PNG_SIGNATURE, pngSize, solidPng } from '../fixtures/logos.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const startsWithSignature = (png: Uint8Array) => Buffer.from(png.subarray(0, 8)).equals(PNG_SIGNATURE);

describe('prepareLogo', () => {
  it('rasterises a benign SVG to a PNG within the box, keeping its proportions', async () => {
    const r = await prepareLogo(bytes(BENIGN_SVG));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(startsWithSignature(r.value.png)).toBe(true);
    expect(pngSize(r.value.png)).toEqual({ width: 800, height: 267 });
    expect({ width: r.value.width, height: r.value.height }).toEqual({ width: 800, height: 267 });
    expect(r.value.key).toMatch(/^[0-9a-f]{32}$/);
  });

  it('re-encodes a PNG, so that nothing but its pixels is stored', async () => {
    const payload = Buffer.from('<script>alert(1)</script>');
    const upload = solidPng(30, 10, [11, 92, 173], { chunks: [['tEXt', Buffer.concat([Buffer.from('Comment\0'), payload])]], trailer: payload });
    const r = await prepareLogo(upload);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(startsWithSignature(r.value.png)).toBe(true);
    expect(pngSize(r.value.png)).toEqual({ width: 30, height: 10 });
    expect(Buffer.from(r.value.png).includes(payload)).toBe(false);
    expect(Buffer.from(r.value.png).equals(upload)).toBe(false);
  });

  it('scales a large PNG down into the box', async () => {
    const r = await prepareLogo(solidPng(1600, 400));
    expect(r.ok && pngSize(r.value.png)).toEqual({ width: 800, height: 200 });
  });

  it('refuses a PNG whose image data does not decode', async () => {
    const png = solidPng(30, 10);
    const broken = Buffer.concat([png.subarray(0, 41), Buffer.alloc(20, 0x41), png.subarray(61)]);
    const r = await prepareLogo(broken);
    expect(r.ok).toBe(false);
  });

  it('refuses an HTML page and a file that is neither PNG nor SVG', async () => {
    expect((await prepareLogo(bytes('<html><body><svg></svg></body></html>'))).ok).toBe(false);
    expect((await prepareLogo(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).ok).toBe(false);
  });

  it('refuses an SVG that is not well-formed XML, saying where', async () => {
    const r = await prepareLogo(bytes('<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>'));
    expect(!r.ok && r.error).toMatch(/could not be read as XML \(line 1\)/);
  });

  it('refuses an SVG with text, which would lose its typeface', async () => {
    const r = await prepareLogo(bytes('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>Acme</text></svg>'));
    expect(!r.ok && r.error).toMatch(/outlines/);
  });

  it('refuses a logo far wider than tall or taller than wide, before drawing a sliver of it', async () => {
    // 1 × 20,000,000 once drew for seconds on the server's thread and stored a PNG one pixel wide.
    const tall = await prepareLogo(bytes('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="20000000"><rect width="1" height="100" fill="red"/></svg>'));
    expect(!tall.ok && tall.error).toMatch(/more than 20 times as wide as it is tall, or as tall as it is wide/);
    const wide = await prepareLogo(solidPng(2000, 40));
    expect(!wide.ok && wide.error).toMatch(/more than 20 times/);
    // 20 : 1 itself is a logo.
    const banner = await prepareLogo(solidPng(800, 40));
    expect(banner.ok && pngSize(banner.value.png)).toEqual({ width: 800, height: 40 });
  });

  it('draws in a worker that is stopped at its time limit, and the next drawing still works', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#0b5cad"/></svg>';
    const fit = { box: LOGO_BOX, enlarge: true, maxAspect: MAX_LOGO_ASPECT };
    const stopped = await drawSvg(svg, fit, 1);
    expect(!stopped.ok && stopped.error).toMatch(/took longer than 0.001 s to draw, so it was stopped/);
    const drawn = await drawSvg(svg, fit);
    expect(drawn.ok && [drawn.width, drawn.height, drawn.visible]).toEqual([640, 320, true]);
  });

  describe.each(COSTLY_SVGS)('refuses $name', ({ svg, says }) => {
    it('before drawing it, with a message naming it', async () => {
      const r = await prepareLogo(bytes(svg));
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(says);
    });
  });

  describe.each(PARSER_BOMBS)('refuses $name', ({ svg, says }) => {
    it('before the XML parser or the checks spend time on it, with a message naming it', async () => {
      const r = await prepareLogo(bytes(svg));
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(says);
    });
  });

  it('refuses a PNG beyond 20 : 1 by its own size, not the size it would be drawn at', async () => {
    // 2000 x 99 is 20.2 : 1, though it would be drawn at 800 x 40 (exactly 20 : 1).
    const r = await prepareLogo(solidPng(2000, 99));
    expect(!r.ok && r.error).toMatch(/more than 20 times/);
  });

  it('refuses a drawing at once when two are already waiting, rather than queueing without end', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#0b5cad"/></svg>';
    const fit = { box: LOGO_BOX, enlarge: true, maxAspect: MAX_LOGO_ASPECT };
    const all = await Promise.all(Array.from({ length: 6 }, () => drawSvg(svg, fit)));
    expect(all.filter((d) => d.ok).length).toBeGreaterThanOrEqual(3);
    expect(all.some((d) => !d.ok && d.busy)).toBe(true);
    expect((await drawSvg(svg, fit)).ok).toBe(true);
  });

  describe.each(MALICIOUS_SVGS)('refuses $name', ({ svg, says }) => {
    it('with a message naming it', async () => {
      const r = await prepareLogo(bytes(svg));
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(says);
    });
  });
});

describe('a study brand', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore();
  });
  afterAll(() => t.cleanup());

  const form = (o: Partial<BrandForm> = {}): BrandForm => ({ action: 'brand', name: 'Acme Consulting', accent: '#0b5cad', logo: new Uint8Array(), removeLogo: false, ...o });

  it('is set by the study’s owner only, and read back for pages and reports', async () => {
    const owner = await addConsultant(t.db, 'owner@example.com', 'pw');
    const other = await addConsultant(t.db, 'other@example.com', 'pw');
    const study = await createStudy(t.db, owner, 'Spring study');
    if (!study.ok) throw new Error(study.error);
    const id = study.value.id;

    expect(await changeStudyBrand(t.db, other, id, form({ name: 'Intruder' }))).toBeNull();
    expect(await studyBrand(t.db, id)).toBeNull();
    expect(await reportBrand(t.db, id)).toBeNull();

    expect(await changeStudyBrand(t.db, owner, id, form({ logo: bytes(BENIGN_SVG) }))).toEqual({ ok: true });
    const page = (await studyBrand(t.db, id))!;
    expect(page.name).toBe('Acme Consulting');
    expect(page.accent).toBe('#0b5cad');
    expect(page.logo?.url).toMatch(/^\/brand\/[0-9a-f]{32}\.png$/);
    const report = (await reportBrand(t.db, id))!;
    expect(report.logo?.dataUri).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(report.logo).toMatchObject({ width: 800, height: 267 });
    const key = page.logo!.url.slice('/brand/'.length, -'.png'.length);
    expect(logoUrl(key)).toBe(page.logo!.url);
    expect(startsWithSignature((await findLogo(t.db, key))!)).toBe(true);

    // Reads of the study itself never carry the logo's bytes.
    expect(Object.keys((await studiesOf(t.db, owner.id))[0]!)).not.toContain('brandLogo');
    expect(Object.keys((await findInvite(t.db, (await studiesOf(t.db, owner.id))[0]!.inviteToken))!.study)).not.toContain('brandLogo');

    // Bad input changes nothing and says what is wrong with each field.
    const refused = await changeStudyBrand(t.db, owner, id, form({ name: '', accent: '#f0a202', logo: bytes(MALICIOUS_SVGS[0]!.svg) }));
    expect(refused).toMatchObject({ ok: false, errors: { name: expect.any(String), accent: expect.stringContaining('2.12:1'), logo: expect.stringMatching(/script/) } });
    expect(await studyBrand(t.db, id)).toEqual(page);

    // A new colour keeps the logo; removing the logo keeps the rest; no accent means the product's on the reports.
    expect(await changeStudyBrand(t.db, owner, id, form({ accent: '' }))).toEqual({ ok: true });
    expect(await studyBrand(t.db, id)).toEqual({ ...page, accent: null });
    expect((await reportBrand(t.db, id))!.accent).toBe('#0b5cad');
    expect(await changeStudyBrand(t.db, owner, id, form({ removeLogo: true }))).toEqual({ ok: true });
    expect((await studyBrand(t.db, id))!.logo).toBeNull();
    expect(await findLogo(t.db, key)).toBeUndefined();

    expect(await changeStudyBrand(t.db, owner, id, form({ action: 'unbrand' }))).toEqual({ ok: true });
    expect(await studyBrand(t.db, id)).toBeNull();
    expect(await reportBrand(t.db, null)).toBeNull();
  });

  it('is on both reports of a participant in the study, and on neither outside one', async () => {
    const owner = await addConsultant(t.db, 'reports@example.com', 'pw');
    const study = await createStudy(t.db, owner, 'Branded study');
    if (!study.ok) throw new Error(study.error);
    expect(await changeStudyBrand(t.db, owner, study.value.id, form({ name: 'Northwind Advisory', accent: '#7a1f5c', logo: solidPng(60, 20, [122, 31, 92]) }))).toEqual({ ok: true });
    const finished = async (studyId: number | null) => {
      const p = await addParticipant(t.db, { studyId });
      await saveAnswers(t.db, p.id, completeAnswers());
      await finishParticipant(t.db, instrument, p.id, new Date());
      return (await findParticipant(t.db, p.id))!;
    };
    const inStudy = await finished(study.value.id);
    const company = (await companyReportFor(t.db, inStudy, 5))!;
    const personal = (await personalReportFor(t.db, inStudy, 5))!;
    for (const brand of [company.meta.brand, personal.meta.brand]) {
      expect(brand).toMatchObject({ name: 'Northwind Advisory', accent: '#7a1f5c', logo: { width: 60, height: 20 } });
      expect(brand!.logo!.dataUri).toMatch(/^data:image\/png;base64,/);
    }
    const alone = await finished(null);
    expect((await companyReportFor(t.db, alone, 5))!.meta.brand).toBeNull();
    expect((await personalReportFor(t.db, alone, 5))!.meta.brand).toBeNull();
  });
});
