import { createServer, type Server } from 'node:net';

/** A port on 127.0.0.1 held by a listener of the test's own, to see what a server does when its port is taken. */
export function occupyPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}
