/**
 * What to tell someone whose server cannot listen on HOST:PORT, by the
 * error's code, or null for a code without advice of ours. One wording for
 * npm start's early check (scripts/prepare.ts) and the server's own listen
 * (scripts/serve.ts).
 */
export function listenProblem(code: string | undefined, host: string, port: number): string | null {
  if (code === 'EADDRINUSE') {
    return (
      `port ${port} on ${host} is already in use: another program (perhaps another copy of the Velocity Index) is listening there. ` +
      `Stop that program, or choose a free port with PORT, e.g. PORT=${port === 65535 ? 4321 : port + 1} npm start.`
    );
  }
  if (code === 'EACCES') return `this user may not listen on port ${port} (ports below 1024 need extra rights). Choose a port above 1024 with PORT and let a reverse proxy serve 80 and 443.`;
  if (code === 'EADDRNOTAVAIL') return `HOST ${host} is not an address of this machine. Use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).`;
  return null;
}
