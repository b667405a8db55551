import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The pids of `parent`'s children: pgrep -P, or where procps is not installed, the parent pids in /proc. */
function childrenOf(parent: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(parent)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch (e) {
    // pgrep exits 1 when there are none.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return [];
  }
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat, after the command in parentheses (which may hold spaces).
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) children.push(Number(entry));
    } catch {
      // Ended meanwhile.
    }
  }
  return children;
}

export interface Frozen {
  /** The processes stopped: the postmaster first, then its children. */
  pids: number[];
  /** SIGCONT to each, the children first; safe to call twice. */
  thaw: () => void;
}

/**
 * Freezes a cluster of scripts/pg-cluster.ts (its folder `dir`) as a hung
 * database host does: the postmaster and every process it started get
 * SIGSTOP, so connections stay open and new ones are accepted by the kernel,
 * but nothing answers, refuses or resets. The postmaster goes first so it
 * starts no new backend meanwhile.
 */
export function freezeCluster(dir: string): Frozen {
  const postmaster = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  if (!Number.isInteger(postmaster) || postmaster <= 0) throw new Error(`no postmaster pid in ${dir}`);
  process.kill(postmaster, 'SIGSTOP');
  const children = childrenOf(postmaster);
  for (const pid of children) process.kill(pid, 'SIGSTOP');
  let thawed = false;
  return {
    pids: [postmaster, ...children],
    thaw: () => {
      if (thawed) return;
      thawed = true;
      for (const pid of [...children, postmaster]) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // Gone already.
        }
      }
    },
  };
}
