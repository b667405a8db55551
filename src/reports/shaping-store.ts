import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as fontkit from 'fontkit';
import { z } from 'zod';
import type { ShapingStats } from './shaping-cache.ts';
import type { ExportedRun } from './shaping-codec.ts';

/**
 * The shaping cache on disk, one file per font face, so that a fresh process
 * (a restarted server, each CLI run) starts with the reports' common text
 * already shaped: shaping was about a fifth of a first render. Only `shaping
 * prime` writes the files, from synthetic participants (see
 * src/server/services/shaping-prime.ts). The file name is derived from the
 * face, fontkit's version and this format's version, so another font or
 * another shaper never reads runs that are not its own. Like the other caches
 * under cacheDir() it can be deleted at any time; a file that cannot be read,
 * parsed or written is ignored, and an entry that does not decode is shaped
 * again.
 */
const FORMAT = 3;

// Every run of a face carries the same few feature sets (about 250 characters each): the file lists them once.
const FileSchema = z.object({
  format: z.literal(FORMAT),
  face: z.string(),
  features: z.array(z.record(z.string(), z.boolean())),
  runs: z.array(z.unknown()),
});
type StoredRun = [key: string, script: string, language: string | null, direction: string, features: number, glyphs: string];

const fontkitVersion = (() => {
  try {
    return String((createRequire(import.meta.url)('fontkit/package.json') as { version: unknown }).version);
  } catch {
    return 'unknown';
  }
})();

/**
 * Where the runs of a face are kept. The face is known by what its file says
 * of itself: the PostScript name, the whole-file checksum in its `head` table
 * (another build of the font has another one) and the file's size, which
 * costs nothing where hashing the file would cost milliseconds on every start.
 */
export function shapingFile(dir: string, face: fontkit.Font, size: number): string {
  const head = (face as unknown as { head: { checkSumAdjustment: number } }).head;
  const identity = `${face.postscriptName}\0${head.checkSumAdjustment}\0${size}\0fontkit ${fontkitVersion}\0format ${FORMAT}`;
  return join(dir, `${face.postscriptName.replace(/[^\w-]/g, '_')}-${createHash('sha256').update(identity).digest('hex').slice(0, 24)}.json`);
}

/** Hands the runs stored in `file` to a face's cache; returns how many it took (0 when there is no usable file). */
export function loadShapedRuns(file: string, cache: ShapingStats): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  try {
    const parsed = FileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return 0;
    const { features, runs } = parsed.data;
    // An index that names no feature set leaves a value importRuns refuses.
    return cache.importRuns(runs.map((run) => (Array.isArray(run) && run.length === 6 ? [...run.slice(0, 4), features[run[4] as number] ?? null, run[5]] : run)));
  } catch {
    return 0;
  }
}

/**
 * Writes a face's runs when it shaped anything new since the last write.
 * Written to a temporary file and renamed over the old one, so a reader (or
 * another process writing at the same time) never sees half a file.
 */
export async function saveShapedRuns(file: string, face: string, cache: ShapingStats): Promise<boolean> {
  if (cache.fresh() === 0) return false;
  const featureSets: ExportedRun[4][] = [];
  const featureIndex = new Map<string, number>();
  const runs = cache.exportRuns().map(([key, script, language, direction, features, glyphs]): StoredRun => {
    const json = JSON.stringify(features);
    let index = featureIndex.get(json);
    if (index === undefined) featureIndex.set(json, (index = featureSets.push(features) - 1));
    return [key, script, language, direction, index, glyphs];
  });
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    await writeFile(temp, JSON.stringify({ format: FORMAT, face, features: featureSets, runs }));
    await rename(temp, file);
    return true;
  } catch {
    await unlink(temp).catch(() => undefined);
    return false;
  }
}
