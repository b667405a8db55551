/** A header of a raw message (unfolded), or undefined. */
export function mailHeader(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head);
  return m?.[1]?.trim();
}

function decodeBody(body: string, encoding: string): string {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/**
 * The plain-text part of a raw message as nodemailer writes it (one part, or
 * multipart/alternative), decoded from quoted-printable or base64: enough to
 * read what a recipient reads, without a MIME library.
 */
export function mailText(raw: string): string {
  const type = mailHeader(raw, 'Content-Type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary) {
    const body = raw.slice(raw.search(/\r?\n\r?\n/)).replace(/^\r?\n\r?\n/, '');
    return decodeBody(body, mailHeader(raw, 'Content-Transfer-Encoding') ?? '');
  }
  for (const part of raw.split(`--${boundary}`).slice(1)) {
    const trimmed = part.replace(/^\r?\n/, '');
    if (/^content-type:\s*text\/plain/im.test(trimmed.split(/\r?\n\r?\n/, 1)[0]!)) return mailText(trimmed);
  }
  throw new Error('the message has no text/plain part');
}
