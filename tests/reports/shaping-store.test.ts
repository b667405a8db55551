/**
 * The shaping cache on disk (src/reports/shaping-store.ts): a file per face
 * that a fresh process reads, written whole or not at all, and ignored when
 * it is not what this version wrote.
 */
import * as fontkit from 'fontkit';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoiseShaping } from '../../src/reports/shaping-cache.ts';
import { loadShapedRuns, saveShapedRuns, shapingFile } from '../../src/reports/shaping-store.ts';
import { tempDir } from '../helpers/temp-db.ts';

const fonts = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const open = (file = 'DejaVuSans.ttf') => fontkit.openSync(join(fonts, file)) as fontkit.Font;
const size = (file = 'DejaVuSans.ttf') => statSync(join(fonts, file)).size;
const tmp = tempDir('velocity-shaping-store-');
afterAll(() => tmp.cleanup());

describe('shaping store', () => {
  it('names a file after the face, so the two faces and another font never share one', () => {
    const regular = shapingFile(tmp.dir, open(), size());
    const bold = shapingFile(tmp.dir, open('DejaVuSans-Bold.ttf'), size('DejaVuSans-Bold.ttf'));
    expect(regular).toMatch(/DejaVuSans-[0-9a-f]{24}\.json$/);
    expect(bold).toMatch(/DejaVuSans-Bold-[0-9a-f]{24}\.json$/);
    expect(shapingFile(tmp.dir, open(), size() + 1)).not.toBe(regular);
    expect(shapingFile(tmp.dir, open(), size())).toBe(regular);
  });

  it('writes only when something new was shaped, and a fresh face takes back every run', async () => {
    const face = open();
    const cache = memoiseShaping(face);
    const file = join(tmp.dir, 'round-trip', 'runs.json');
    expect(await saveShapedRuns(file, face.postscriptName, cache)).toBe(false);
    expect(existsSync(file)).toBe(false);
    for (const text of ['Win rate', 'Sales cycle', 'AVATAR fi']) face.layout(text, [], undefined, undefined, 'ltr');
    expect(await saveShapedRuns(file, face.postscriptName, cache)).toBe(true);
    expect(await saveShapedRuns(file, face.postscriptName, cache)).toBe(false);
    // Renamed into place: no temporary file is left beside it.
    expect(readdirSync(dirname(file))).toEqual(['runs.json']);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { face: string; features: unknown[]; runs: unknown[][] };
    expect(stored.face).toBe('DejaVuSans');
    expect(stored.features).toHaveLength(1);
    expect(stored.runs.map((r) => r[4])).toEqual([0, 0, 0]);

    const fresh = open();
    const restored = memoiseShaping(fresh);
    expect(loadShapedRuns(file, restored)).toBe(3);
    const glyphs = (run: fontkit.GlyphRun) => run.glyphs.map((g) => g.id).join(',') + '|' + run.positions.map((p) => p.xAdvance).join(',');
    expect(glyphs(fresh.layout('AVATAR fi', [], undefined, undefined, 'ltr'))).toBe(glyphs(open().layout('AVATAR fi', [], undefined, undefined, 'ltr')));
    expect(restored.misses).toBe(0);
  });

  it('ignores a missing, unreadable or foreign file, and a run naming a feature set the file lacks', () => {
    const cache = memoiseShaping(open());
    expect(loadShapedRuns(join(tmp.dir, 'nothing-here.json'), cache)).toBe(0);
    const write = (name: string, content: string) => {
      const file = join(tmp.dir, name);
      writeFileSync(file, content);
      return file;
    };
    expect(loadShapedRuns(write('half.json', '{"format":3,"face":"DejaVuSans","features":[{}],"runs":[["a'), cache)).toBe(0);
    expect(loadShapedRuns(write('old.json', JSON.stringify({ format: 1, face: 'DejaVuSans', runs: [] })), cache)).toBe(0);
    expect(loadShapedRuns(write('array.json', '[]'), cache)).toBe(0);
    const run = (features: number) => [`[]\u0000\u0000\u0000ltr\u0000run ${features}`, 'latn', null, 'ltr', features, '5'];
    const mixed = write('mixed.json', JSON.stringify({ format: 3, face: 'DejaVuSans', features: [{ kern: true }], runs: [run(0), run(7)] }));
    expect(loadShapedRuns(mixed, cache)).toBe(1);
    expect(cache.size()).toBe(1);
  });
});
