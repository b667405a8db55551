import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  messageId: string;
  to: string[];
  raw: string;
  /** The message with quoted-printable undone (soft line breaks joined, =XX decoded as UTF-8): what a reader sees, for searching. */
  decoded: string;
}

export function decodeQuotedPrintable(raw: string): string {
  const joined = raw.replace(/\r\n/g, '\n').replace(/=\n/g, '');
  return Buffer.from(joined.replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

export interface SmtpSink {
  port: number;
  received: Received[];
  /** Called after each accepted message. */
  onAccept?: (r: Received) => void;
  /** Connections currently open (the pooled transport keeps idle ones open between sends). */
  open(): number;
  /** Messages fully received and waiting for their reply (see `hold`). */
  waiting(): number;
  /** Holds every reply to a message until `release`: lets a test kill the client while a message waits for its 250. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server in the test process that records each message at the
 * moment it answers 250, i.e. takes responsibility for it. `delayMs` holds
 * each message before that answer, and `hold` holds it as long as a test
 * needs; a message whose connection closed meanwhile is not recorded, since
 * its 250 never left. A fixed port (0 = any) lets a test bring a server back.
 */
export async function startSmtpSink(options: { delayMs?: number; port?: number } = {}): Promise<SmtpSink> {
  const openSessions = new Set<string>();
  let gate: Promise<void> = Promise.resolve();
  let openGate = () => {};
  let waiting = 0;
  const sink: SmtpSink = {
    port: 0,
    received: [],
    open: () => openSessions.size,
    waiting: () => waiting,
    hold() {
      gate = new Promise<void>((r) => (openGate = r));
    },
    release() {
      openGate();
    },
    close: async () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // A client that keeps its connection open (the pooled transport does) must not hold up the end of a test.
    closeTimeout: 500,
    onConnect(session, callback) {
      openSessions.add(session.id);
      callback();
    },
    onClose(session) {
      openSessions.delete(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        waiting++;
        setTimeout(() => {
          void gate.then(() => {
            waiting--;
            if (!openSessions.has(session.id)) return callback(new Error('connection gone'));
            const raw = Buffer.concat(chunks).toString('utf8');
            const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? '';
            const r = { messageId, to: session.envelope.rcptTo.map((a) => a.address), raw, decoded: decodeQuotedPrintable(raw) };
            sink.received.push(r);
            callback();
            sink.onAccept?.(r);
          });
        }, options.delayMs ?? 0);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  sink.port = (server.server.address() as AddressInfo).port;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
