/**
 * What the server must finish or close when it stops (SIGTERM, SIGINT):
 * each part that holds something open (the mail loop, the render pool, the
 * database) registers here, and the server's shutdown runs them in reverse
 * order of registration after the requests in flight are answered. Kept
 * apart from the server entry so that a part never imports the server.
 */
type Task = { name: string; run: () => Promise<void> | void };

const tasks: Task[] = [];
let stopping = false;

export function onShutdown(name: string, run: Task['run']): void {
  tasks.push({ name, run });
}

/** True once shutdown began: background loops stop taking new work. */
export function shuttingDown(): boolean {
  return stopping;
}

/** Runs every registered task once, the last registered first; a task that fails is logged and the rest still run. */
export async function runShutdown(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const task of tasks.splice(0).reverse()) {
    try {
      await task.run();
    } catch (e) {
      log(`velocity: shutdown step "${task.name}" failed: ${(e as Error).message}`);
    }
  }
}
