/**
 * The baseline of `npm run bench:load`: a bare node:http + better-sqlite3
 * handler doing the journey's writes (a start, then each page's answers saved
 * in one transaction, answered with a 303 as the site does) and nothing else,
 * on the same SQLite settings as the site (db/client.ts). Run as its own
 * process, like the built server: `node bench/load-bare.ts <db> <port>`;
 * prints "ready" once it listens.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const [path, port] = process.argv.slice(2);
if (!path || !port) throw new Error('usage: node bench/load-bare.ts <db> <port>');

const db = new Database(path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
db.exec(`
  CREATE TABLE IF NOT EXISTS participants (id INTEGER PRIMARY KEY, token TEXT NOT NULL UNIQUE, profile TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS answers (participant_id INTEGER NOT NULL REFERENCES participants(id), item_id TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (participant_id, item_id));
`);
const insertParticipant = db.prepare('INSERT INTO participants (token, profile) VALUES (?, ?)');
const findParticipant = db.prepare('SELECT id FROM participants WHERE token = ?');
const upsert = db.prepare('INSERT INTO answers (participant_id, item_id, value) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value');
const save = db.transaction((id: number, fields: [string, string][]) => {
  for (const [item, value] of fields) if (item !== 'action') upsert.run(id, item, value);
});

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    const fields = [...new URLSearchParams(body)];
    const page = req.url?.match(/^\/r\/([A-Za-z0-9_-]+)\/(\d+)$/);
    if (req.method === 'POST' && req.url?.startsWith('/join/')) {
      const token = randomBytes(16).toString('base64url');
      insertParticipant.run(token, JSON.stringify(Object.fromEntries(fields)));
      res.writeHead(303, { location: `/r/${token}/1` }).end();
    } else if (req.method === 'POST' && page) {
      const found = findParticipant.get(page[1]) as { id: number } | undefined;
      if (!found) return void res.writeHead(404).end();
      save(found.id, fields);
      res.writeHead(303, { location: `/r/${page[1]}/${Number(page[2]) + 1}` }).end();
    } else {
      res.writeHead(404).end();
    }
  });
});
server.listen(Number(port), '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => {
  server.close(() => (db.close(), process.exit(0)));
  server.closeAllConnections();
});
