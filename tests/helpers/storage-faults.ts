/**
 * Real storage faults for tests, made the best way the machine allows and
 * never skipped silently: each function says which way it used.
 *
 * A read-only database file: as root, chmod does not stop writes, so the
 * file is made immutable (chattr +i: even root cannot write it) or, without
 * chattr, its folder is bind-mounted read-only; as any other user, chmod
 * 0444 does it. A full disk: a small tmpfs mounted for the test (root only).
 */
import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';

const isRoot = () => process.getuid?.() === 0;

function run(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function writableNow(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export interface ReadOnly {
  method: 'chattr +i' | 'read-only bind mount' | 'chmod 0444';
  undo: () => void;
}

/** Makes the database file at `path` read-only for every process of this machine's user, checked with access(W_OK). */
export function makeReadOnly(path: string): ReadOnly {
  let made: ReadOnly;
  if (!isRoot()) {
    chmodSync(path, 0o444);
    made = { method: 'chmod 0444', undo: () => chmodSync(path, 0o600) };
  } else if (run('chattr', ['+i', path]) && !writableNow(path)) {
    made = { method: 'chattr +i', undo: () => void run('chattr', ['-i', path]) };
  } else {
    const dir = dirname(path);
    if (!run('mount', ['--bind', dir, dir]) || !run('mount', ['-o', 'remount,bind,ro', dir])) {
      throw new Error('cannot make a file read-only on this machine as root: neither chattr +i nor a read-only bind mount works');
    }
    made = { method: 'read-only bind mount', undo: () => void run('umount', [dir]) };
  }
  if (writableNow(path)) throw new Error(`${made.method} did not make ${path} read-only`);
  return made;
}

export interface SmallDisk {
  dir: string;
  /** Writes a filler file until the disk has no space left. */
  fill: () => void;
  /** Removes the filler: the disk has room again. */
  free: () => void;
  cleanup: () => void;
}

/**
 * A real filesystem of `bytes` at `dir` (a tmpfs), or null where this
 * process may not mount one (not root): the caller then says which
 * next-best way it tests the full disk.
 */
export function smallDisk(dir: string, bytes: number): SmallDisk | null {
  mkdirSync(dir, { recursive: true });
  if (!isRoot() || !run('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'tmpfs', dir])) return null;
  const filler = join(dir, 'filler');
  return {
    dir,
    fill: () => {
      const fd = openSync(filler, 'a');
      const block = Buffer.alloc(64 * 1024, 1);
      try {
        for (;;) writeSync(fd, block);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
        // The last bytes, smaller than a block.
        try {
          for (;;) writeSync(fd, Buffer.alloc(512, 1));
        } catch {
          // Full.
        }
      } finally {
        closeSync(fd);
      }
    },
    free: () => rmSync(filler, { force: true }),
    cleanup: () => {
      run('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Overwrites one whole page of a SQLite file with garbage: damage that quick_check finds. */
export function damagePage(path: string, page: number, pageSize = 4096): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}
