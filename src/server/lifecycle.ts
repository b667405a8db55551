/**
 * What the server must finish or close when it stops (SIGTERM, SIGINT):
 * each part that holds something open (the mail loop, the render pool, the
 * database) registers here, and the server's shutdown runs them in reverse
 * order of registration after the requests in flight are answered. Kept
 * apart from the server entry so that a part never imports the server.
 */
type Task = { name: string; run: () => Promise<void> | void };

/**
 * Kept on globalThis, not in module variables: the server (scripts/serve.ts,
 * loaded from source) and the built site it imports (dist/server, its own
 * bundled copy of this module) share one process, and the tasks the site
 * registers must be the ones the server runs.
 */
const state: { tasks: Task[]; stopping: boolean } = ((globalThis as Record<symbol, unknown>)[Symbol.for('velocity.lifecycle')] ??= {
  tasks: [],
  stopping: false,
}) as { tasks: Task[]; stopping: boolean };

export function onShutdown(name: string, run: Task['run']): void {
  state.tasks.push({ name, run });
}

/** True once shutdown began: background loops stop taking new work. */
export function shuttingDown(): boolean {
  return state.stopping;
}

/** Runs every registered task once, the last registered first; a task that fails is logged and the rest still run. */
export async function runShutdown(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<void> {
  if (state.stopping) return;
  state.stopping = true;
  for (const task of state.tasks.splice(0).reverse()) {
    try {
      await task.run();
    } catch (e) {
      log(`velocity: shutdown step "${task.name}" failed: ${(e as Error).message}`);
    }
  }
}
