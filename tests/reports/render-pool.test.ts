import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompanyReportModel, PersonalReportModel } from '../../src/domain/report-model.ts';
import { cacheKey, renderPending, renderReport, RenderBusyError, RenderFailedError, RenderingOffError, ReportOutOfMemoryError } from '../../src/reports/render.ts';
import { createRenderPool, inThreadRenderer, renderWorkerFile, type RenderPool } from '../../src/reports/render-pool.ts';
import { renderSettings } from '../../src/reports/render-settings.ts';
import type { Store } from '../../src/server/data/store.ts';
import { findParticipant } from '../../src/server/repositories/participants.ts';
import { companyReportFor, personalReportFor } from '../../src/server/services/reports.ts';
import { seedParticipants } from '../../src/server/services/seed.ts';
import { instrument } from '../helpers/instrument.ts';
import { openTempDb, type TempDb } from '../helpers/temp-db.ts';

/**
 * The render pool (src/reports/render-pool.ts): reports rendered in worker
 * threads come back as the same PDFs the server's thread made, the pool
 * refuses work beyond its queue instead of piling it up, survives a thread
 * that dies mid-report, and the cache in front of it (src/reports/render.ts)
 * answers an unchanged report without rendering it again.
 */
const K = 5;
let t: TempDb;
let db: Store;
let company: CompanyReportModel;
let personal: PersonalReportModel;
let others: CompanyReportModel[];
let workerFile: string;
const pools: RenderPool[] = [];

const text = (pdf: Buffer, name: string) => {
  const file = join(t.path, '..', `${name}.pdf`);
  writeFileSync(file, pdf);
  const r = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.replace(/\s+/g, ' ');
};
/** A report whose bytes differ from every other one (its date), so that no cache answers it. */
const dated = (m: CompanyReportModel, tag: string): CompanyReportModel => ({ ...m, meta: { ...m.meta, date: `${m.meta.date} ${tag}` } });
const pool = (settings: Partial<Parameters<typeof createRenderPool>[0]> = {}) => {
  const p = createRenderPool({ workers: 1, queue: 4, timeoutMs: 120_000, workerFile, ...settings });
  pools.push(p);
  return p;
};

beforeAll(async () => {
  t = openTempDb();
  db = t.db;
  await seedParticipants(db, instrument, { count: 200, seed: 14, now: new Date('2026-06-01T00:00:00Z') });
  const ids = (db.db.$client.prepare("SELECT id FROM participants WHERE status = 'completed' ORDER BY id LIMIT 4").all() as { id: number }[]).map((r) => r.id);
  const models: CompanyReportModel[] = [];
  for (const id of ids) models.push((await companyReportFor(db, (await findParticipant(db, id))!, K, new Date('2026-11-23T12:00:00Z')))!);
  company = models[0]!;
  others = models.slice(1);
  personal = (await personalReportFor(db, (await findParticipant(db, ids[0]!))!, K, new Date('2026-11-23T12:00:00Z')))!;
  workerFile = await renderWorkerFile();
}, 120_000);
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  t.cleanup();
});

describe('the render pool', () => {
  it('renders a company and a personal report in its threads, with the text the models hold', async () => {
    const p = pool({ workers: 2 });
    await p.warm;
    expect(p.isWarm()).toBe(true);
    expect(p.threads()).toHaveLength(2);
    const [c, s] = await Promise.all([p.render({ kind: 'company', model: company }), p.render({ kind: 'personal', model: personal })]);
    const companyText = text(c, 'pool-company');
    expect(companyText).toContain('Company report');
    expect(companyText).toContain(company.meta.company);
    expect(companyText).toContain('23 November 2026');
    expect(companyText).toContain(company.summary.velocity.category);
    const personalText = text(s, 'pool-personal');
    expect(personalText).toContain('Personal Index');
    expect(personalText).toContain(personal.meta.company);
    expect(p.pending()).toBe(0);
  }, 120_000);

  it('refuses a report beyond its threads and queue at once, and renders the ones it took', async () => {
    const p = pool({ workers: 1, queue: 1 });
    const first = p.render({ kind: 'company', model: dated(company, 'a') });
    const second = p.render({ kind: 'company', model: dated(company, 'b') });
    await expect(p.render({ kind: 'company', model: dated(company, 'c') })).rejects.toBeInstanceOf(RenderBusyError);
    expect(p.pending()).toBe(2);
    for (const pdf of await Promise.all([first, second])) expect(text(pdf, 'queued')).toContain(company.meta.company);
    // Room again once they finished.
    expect(text(await p.render({ kind: 'company', model: dated(company, 'd') }), 'after')).toContain(company.meta.company);
  }, 120_000);

  it('fails the report of a thread that dies while rendering, replaces the thread and renders the next report', async () => {
    const p = pool({ workers: 1 });
    await p.warm;
    const [victim] = p.threads();
    const doomed = p.render({ kind: 'company', model: dated(company, 'crash') });
    // The thread ends from outside, as a crash would end it, while the report is on it (posted to the idle thread at once).
    await victim!.terminate();
    await expect(doomed).rejects.toBeInstanceOf(RenderFailedError);
    const next = await p.render({ kind: 'company', model: others[0]! });
    expect(text(next, 'after-crash')).toContain(others[0]!.meta.company);
    expect(p.threads()).toHaveLength(1);
    expect(p.threads()[0]).not.toBe(victim);
  }, 120_000);

  it('gives up when its threads die as they start, failing the waiting and later reports at once', async () => {
    // A worker that dies while it warms up (before piscina calls it ready), as one whose heap is too small for the fonts
    // and react-pdf does: piscina starts no other, and a report waiting for a thread would wait out its time limit.
    const dying = join(t.path, '..', 'dying-worker.mjs');
    writeFileSync(dying, "export default new Promise((_, reject) => setTimeout(() => reject(new Error('out of memory while warming up')), 300));\n");
    const p = pool({ workers: 1, workerFile: dying, timeoutMs: 600_000 });
    // Its failure is caught at once: it may come before the warm-up's.
    const waiting = p.render({ kind: 'company', model: dated(company, 'never') }).catch((e: unknown) => e);
    await expect(p.warm).rejects.toThrow(/the render threads die while they start\. Last: out of memory while warming up/);
    expect(await waiting).toBeInstanceOf(RenderFailedError);
    // A later download fails with the reason at once, and no thread is started for it.
    await expect(p.render({ kind: 'company', model: company })).rejects.toThrow(/the render threads die while they start/);
    expect(p.isWarm()).toBe(false);
    expect(p.threads()).toHaveLength(0);
    // What /readyz and the download's page ask: off until a restart, not a report that failed alone.
    expect(p.failure()).toBeInstanceOf(RenderingOffError);
  }, 120_000);

  it('names the heap setting when a report runs its thread out of memory, and renders on with a new thread', async () => {
    // A worker that starts within its heap and then needs more for its report than the limit allows.
    const hungry = join(t.path, '..', 'hungry-worker.mjs');
    writeFileSync(hungry, 'export default () => { const hoard = []; for (;;) hoard.push(new Array(100_000).fill(1)); };\n');
    const p = pool({ workers: 1, workerFile: hungry, heapMb: 32 });
    // Its own kind of failure: the download's page says PDFs are not working rather than "wait a minute".
    await expect(p.render({ kind: 'company', model: company })).rejects.toBeInstanceOf(ReportOutOfMemoryError);
    await expect(p.render({ kind: 'company', model: company })).rejects.toThrow(
      'The PDF could not be rendered: its thread ran out of memory (RENDER_WORKER_HEAP_MB=32 is too small for this report: raise it, or leave it unset)',
    );
    // One report's failure, not the pool's: a new thread is there for the next one.
    expect(p.failure()).toBeNull();
    expect(p.threads()).toHaveLength(1);
  }, 120_000);

  it('fails a report that takes longer than its time limit, rather than leaving the download hanging', async () => {
    const p = pool({ workers: 1, timeoutMs: 1 });
    await expect(p.render({ kind: 'company', model: dated(company, 'slow') })).rejects.toThrow(/took longer than/);
  }, 120_000);

  it('renders on the calling thread with RENDER_WORKERS=0, one report at a time, with the same bound', async () => {
    const p = inThreadRenderer({ workers: 0, queue: 0, timeoutMs: 1000 });
    pools.push(p);
    const first = p.render({ kind: 'personal', model: personal });
    await expect(p.render({ kind: 'company', model: company })).rejects.toBeInstanceOf(RenderBusyError);
    expect(text(await first, 'in-thread')).toContain('Personal Index');
    expect(p.threads()).toHaveLength(0);
  }, 120_000);
});

describe('the render settings', () => {
  it('size the pool to the cores unless told, and say which setting is wrong', () => {
    expect(renderSettings({}).workers).toBeGreaterThanOrEqual(1);
    expect(renderSettings({ RENDER_WORKERS: '0', RENDER_QUEUE: '3', RENDER_TIMEOUT_SECONDS: '2' })).toEqual({ workers: 0, queue: 3, timeoutMs: 2000, heapMb: undefined });
    expect(() => renderSettings({ RENDER_WORKERS: 'many' })).toThrow(/RENDER_WORKERS/);
    expect(() => renderSettings({ RENDER_QUEUE: '-1' })).toThrow(/RENDER_QUEUE/);
  });
});

describe('the PDF cache in front of the pool', () => {
  it('answers an unchanged report with the same bytes, and identical requests in flight share one render', async () => {
    const model = dated(company, 'cache');
    const [a, b] = [renderReport({ kind: 'company', model }), renderReport({ kind: 'company', model: structuredClone(model) })];
    expect(await renderPending()).toBe(1);
    const [first, second] = await Promise.all([a, b]);
    expect(second).toBe(first);
    const again = await renderReport({ kind: 'company', model: structuredClone(model) });
    expect(Buffer.compare(again, first)).toBe(0);
    expect(await renderPending()).toBe(0);
    expect(text(again, 'cached')).toContain(company.meta.company);
    // Another kind or another figure is another key.
    expect(cacheKey({ kind: 'company', model })).not.toBe(cacheKey({ kind: 'company', model: dated(company, 'other') }));
  }, 120_000);
});
