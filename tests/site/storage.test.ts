import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileSchema } from '../../src/domain/profile.ts';
import { openMigrated } from '../../src/server/db.ts';
import { startParticipation } from '../../src/server/services/participation.ts';
import { startSite, type RunningSite } from '../../scripts/site-process.ts';
import { expectAccessible, launchChromium, screenshots } from '../helpers/browser.ts';
import { fingerprint, postForm } from '../helpers/forms.ts';
import { instrument, validProfile } from '../helpers/instrument.ts';
import { pageFields } from '../helpers/journey.ts';
import { damagePage, makeReadOnly, smallDisk, type ReadOnly, type SmallDisk } from '../helpers/storage-faults.ts';
import { tempDir } from '../helpers/temp-db.ts';

/**
 * Issue 14: storage faults never lie and never show a blank page. A full
 * disk, a read-only file and a damaged database, each under the built
 * server: a refused save answers 503 with the form and what was posted,
 * stores nothing, is logged with its cause and turns /readyz to 503.
 */

/** Time for a warm-up render and a checkpoint run on a slow, busy machine. */
const READY_AGAIN_WITHIN_MS = 90_000;

/** A database with one participant, started in-process and closed, so the server opens it with an empty WAL. */
async function databaseWithParticipant(path: string): Promise<string> {
  const db = openMigrated(path);
  const started = await startParticipation(db, instrument, profileSchema(instrument).parse(validProfile()), null);
  db.db.$client.close();
  if (!started.ok) throw new Error('the participant could not be started');
  return started.token;
}

function expectStorageHeaders(res: Response): void {
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('retry-after')).toBe('30');
}

/** Every posted answer is checked again in the re-shown form. */
function expectAnswersKept(html: string, fields: Record<string, string>): void {
  for (const [item, value] of Object.entries(fields)) {
    expect(html, item).toMatch(new RegExp(`<input[^>]*name="${item}"[^>]*value="${value}"[^>]*checked|<input[^>]*checked[^>]*name="${item}"[^>]*value="${value}"`));
  }
}

const readyz = async (base: string) => {
  const res = await fetch(`${base}/readyz`);
  return { status: res.status, body: (await res.json()) as { ready: boolean; problems: { name: string }[] } };
};

describe('a full disk', () => {
  const tmp = tempDir('velocity-full-');
  let disk: SmallDisk | null;
  let site: RunningSite;
  let token = '';
  let path = '';

  beforeAll(async () => {
    disk = smallDisk(join(tmp.dir, 'disk'), 48 * 1024 * 1024);
    // Not root: no tmpfs can be mounted here. The handler-level test (tests/server/storage-write.test.ts) covers the full disk then.
    if (!disk) return;
    path = join(disk.dir, 'full.sqlite');
    token = await databaseWithParticipant(path);
    site = await startSite(path);
    // The page opens the database (its WAL and shared memory exist from here on), then the disk fills up.
    expect((await fetch(`${site.base}/r/${token}/1`)).status).toBe(200);
    disk.fill();
  }, 120_000);
  afterAll(async () => {
    await site?.stop();
    disk?.cleanup();
    tmp.cleanup();
  });

  it('answers a section save with the form again, the answers in it, 503 and the security headers; nothing is stored; the log names SQLITE_FULL', async (ctx) => {
    if (!disk) {
      ctx.skip('this machine cannot mount a tmpfs (not root); tests/server/storage-write.test.ts covers the full disk in-process');
      return;
    }
    const before = fingerprint(path);
    const fields = pageFields(1);
    const res = await postForm(site.base, `/r/${token}/1`, { ...fields, action: 'next' });
    const html = await res.text();
    expect(res.status).toBe(503);
    expectStorageHeaders(res);
    expect(html).toContain('data-testid="not-saved"');
    expect(html).toContain('Nothing was saved: please send this again');
    expect(html).toContain('class="site-header"');
    expectAnswersKept(html, fields);
    expect(fingerprint(path)).toBe(before);
    expect(site.output()).toMatch(/storage fault \(disk-full, SQLITE_FULL\) in saving page 1/);
    // Readiness knows at once, without waiting for the monitor.
    const ready = await readyz(site.base);
    expect(ready.status).toBe(503);
    expect(ready.body.problems.map((p) => p.name)).toEqual(expect.arrayContaining(['write-failed', 'disk-low']));
  });

  it('answers the page script’s autosave with a JSON 503 it can show', async (ctx) => {
    if (!disk) return ctx.skip('no tmpfs here (not root): see the test above');
    const res = await postForm(site.base, `/r/${token}/1`, { ...pageFields(1), autosave: '1' });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('retry-after')).toBe('30');
    const body = (await res.json()) as { saved: boolean; message: string };
    expect(body.saved).toBe(false);
    expect(body.message).toContain('your answers are still on this page');
  });

  it('takes the same save once there is room again, and becomes ready again', async (ctx) => {
    if (!disk) return ctx.skip('no tmpfs here (not root): see the first test');
    disk.free();
    const res = await postForm(site.base, `/r/${token}/1`, { ...pageFields(1), action: 'next' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/r/${token}/2`);
    const deadline = Date.now() + READY_AGAIN_WITHIN_MS;
    let ready = await readyz(site.base);
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      ready = await readyz(site.base);
    }
    expect(ready.body).toMatchObject({ ready: true, problems: [] });
  }, READY_AGAIN_WITHIN_MS + 30_000);
});

describe('a read-only database file', () => {
  const tmp = tempDir('velocity-readonly-');
  const path = join(tmp.dir, 'ro.sqlite');
  let ro: ReadOnly;
  let site: RunningSite;
  let token = '';

  beforeAll(async () => {
    token = await databaseWithParticipant(path);
    ro = makeReadOnly(path);
    site = await startSite(path);
  }, 120_000);
  afterAll(async () => {
    await site?.stop();
    ro?.undo();
    tmp.cleanup();
  });

  it('is reported by /readyz (503, naming it) while /healthz stays 200', async () => {
    const ready = await readyz(site.base);
    expect(ready.status, ro.method).toBe(503);
    expect(ready.body.problems.map((p) => p.name)).toContain('file-read-only');
    const health = await fetch(`${site.base}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('cache-control')).toBe('no-store');
    expect(await health.json()).toEqual({ status: 'alive' });
  });

  it('refuses a save with the form again and the answers in it; the log names SQLITE_READONLY', async () => {
    const fields = pageFields(1);
    const res = await postForm(site.base, `/r/${token}/1`, { ...fields, action: 'save' });
    const html = await res.text();
    expect(res.status, ro.method).toBe(503);
    expectStorageHeaders(res);
    expect(html).toContain('data-testid="not-saved"');
    expectAnswersKept(html, fields);
    expect(site.output()).toMatch(/storage fault \(read-only, SQLITE_READONLY[A-Z_]*\) in saving page 1/);
  });

  it('refuses a new start with the profile form again, what was typed still in it', async () => {
    const profile = validProfile();
    const res = await postForm(site.base, '/start', profile);
    const html = await res.text();
    expect(res.status).toBe(503);
    expectStorageHeaders(res);
    expect(html).toContain('data-testid="not-saved"');
    expect(html).toContain('value="Acme Testing Ltd"');
  });

  it('shows the refusal in the site’s design, accessible, at both widths', async () => {
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage();
      await page.goto(`${site.base}/r/${token}/1`);
      await page.locator('input[type="radio"]').first().check();
      // The autosave tries at once and shows the server's words; the Next button then re-shows the page with the panel.
      await expect.poll(() => page.locator('[data-autosave-status]').textContent(), { timeout: 20_000 }).toContain('a fault on our side');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.waitForSelector('[data-testid="not-saved"]');
      expect(await page.locator('input[type="radio"]:checked').count()).toBe(1);
      await expectAccessible(page, 'not saved');
      await screenshots(page, 'storage-not-saved');
    } finally {
      await browser?.close();
    }
  });
});

describe('a damaged database under the built server started directly', () => {
  const tmp = tempDir('velocity-damaged-');
  const path = join(tmp.dir, 'damaged.sqlite');
  afterAll(() => tmp.cleanup());

  // Issue 14: the server entry used to answer a blank 500 on every route; now it checks before it listens and stops.
  it('refuses to serve it: exit 2 with a message naming the file and the backup to restore, before answering anything', async () => {
    const good = join(tmp.dir, 'good.sqlite');
    await databaseWithParticipant(good);
    copyFileSync(good, path);
    damagePage(path, 3);
    const started = await startSite(path).then(
      async (site) => {
        await site.stop();
        return null;
      },
      (e: unknown) => (e as Error).message,
    );
    expect(started, 'the server started on a damaged database').not.toBeNull();
    expect(started).toContain('the server exited with 2');
    expect(started).toContain(`the database at ${path} is damaged`);
    expect(started).toContain('Restore the latest backup');
  }, 120_000);
});
