import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `code` into `dir` as `<stem>-<hash of code>.mjs` and returns the
 * path: named by its content, so that runs of different sources never share
 * one, and written aside then renamed, so that a process starting at the
 * same moment never reads a half-written file.
 */
export function contentNamedFile(dir: string, stem: string, code: string): string {
  const file = join(dir, `${stem}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  }
  return file;
}
