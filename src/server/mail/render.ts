/**
 * The one look every e-mail shares: a subject, a plain-text part and an HTML
 * part with inline styles only (mail clients drop <style> blocks and external
 * CSS), built from a few kinds of block. Everything given here is treated as
 * text, never markup: consultant, study and company names can hold anything,
 * so each is escaped for HTML, and control characters are removed from the
 * subject so that no name can add a header line.
 */

/** A table of figures; cells are text. In the plain-text part each row becomes one line. */
export interface MailTable {
  caption?: string;
  head: string[];
  rows: string[][];
}

/** A paragraph, a bulleted list or a small table. */
export type MailBlock = string | { list: string[] } | { table: MailTable };

export interface MailContent {
  subject: string;
  /** The line inbox lists show after the subject; hidden in the message itself. */
  preheader?: string;
  heading: string;
  /** What comes before the button. */
  paragraphs: MailBlock[];
  /** The one action; href must be an absolute http(s) address. */
  button?: { label: string; href: string };
  /** What comes after the button (e.g. a note on keeping a link private). */
  after?: MailBlock[];
  /** Small print: who sent this and why, how to stop it. */
  footer: string[];
  /** The study's accent colour (#rrggbb, already checked for contrast against white); the site's blue otherwise. */
  accent?: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const DEFAULT_ACCENT = '#0b5cad';
const INK = '#14213d';
const INK_SOFT = '#46506a';
const LINE = '#d9dee8';
const WASH = '#f4f6fa';
const FONT = "-apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/** Escapes text for an HTML element or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** One line, with no control, line-separator or bidi-override character: a subject that cannot become two headers or read backwards. */
export function oneLine(text: string): string {
  return text
    .replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text with controls removed but line feeds kept (a paragraph may break a line on purpose). */
function cleanText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/gu, '');
}

function checkedHref(href: string): string {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new Error(`renderMail: the button's address is not an absolute URL: ${href.slice(0, 80)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('renderMail: the button must link to an http(s) address');
  return url.href;
}

function checkedAccent(accent: string | undefined): string {
  return accent && /^#[0-9a-f]{6}$/i.test(accent) ? accent : DEFAULT_ACCENT;
}

function htmlText(text: string): string {
  return escapeHtml(cleanText(text)).replace(/\n/g, '<br>');
}

const P = `margin:0 0 16px;font-size:16px;line-height:1.55;color:${INK};`;

function htmlBlock(block: MailBlock): string {
  if (typeof block === 'string') return `<p style="${P}">${htmlText(block)}</p>`;
  if ('list' in block) {
    const items = block.list.map((i) => `<li style="margin:0 0 6px;">${htmlText(i)}</li>`).join('');
    return `<ul style="${P}padding-left:22px;">${items}</ul>`;
  }
  const t = block.table;
  const cell = `padding:8px 10px;border-bottom:1px solid ${LINE};font-size:14px;line-height:1.4;color:${INK};`;
  const caption = t.caption ? `<caption style="text-align:left;font-weight:600;font-size:15px;padding:0 0 8px;color:${INK};">${htmlText(t.caption)}</caption>` : '';
  const head = t.head.map((h, i) => `<th scope="col" style="${cell}text-align:${i === 0 ? 'left' : 'right'};font-weight:600;background:${WASH};">${htmlText(h)}</th>`).join('');
  const rows = t.rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row" style="${cell}text-align:left;font-weight:400;">${htmlText(c)}</th>` : `<td style="${cell}text-align:right;">${htmlText(c)}</td>`)).join('')}</tr>`)
    .join('');
  return `<table role="table" cellpadding="0" cellspacing="0" style="width:100%;border-collapse:collapse;margin:0 0 20px;">${caption}<thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function textBlock(block: MailBlock): string {
  if (typeof block === 'string') return cleanText(block);
  if ('list' in block) return block.list.map((i) => `- ${cleanText(i)}`).join('\n');
  const t = block.table;
  const lines = t.rows.map((r) => {
    const [first, ...rest] = r;
    return `- ${cleanText(first ?? '')}: ${rest.map((c, i) => `${cleanText(t.head[i + 1] ?? '')} ${cleanText(c)}`).join(', ')}`;
  });
  return [...(t.caption ? [cleanText(t.caption)] : []), ...lines].join('\n');
}

/** Subject, plain text and HTML for one message; throws only on a button address that is not http(s) (a programming error). */
export function renderMail(content: MailContent): RenderedMail {
  const accent = checkedAccent(content.accent);
  const href = content.button ? checkedHref(content.button.href) : undefined;
  const subject = oneLine(content.subject);

  const text = [
    cleanText(content.heading),
    '',
    ...content.paragraphs.flatMap((b) => [textBlock(b), '']),
    ...(content.button && href ? [`${cleanText(content.button.label)}:`, href, ''] : []),
    ...(content.after ?? []).flatMap((b) => [textBlock(b), '']),
    '--',
    ...content.footer.map(cleanText),
  ].join('\n');

  const preheader = content.preheader
    ? `<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;" aria-hidden="true">${htmlText(oneLine(content.preheader))}</div>`
    : '';
  const button =
    content.button && href
      ? `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:8px 0 24px;"><tr><td style="border-radius:8px;background:${accent};"><a href="${escapeHtml(href)}" style="display:inline-block;padding:12px 22px;font-size:16px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:8px;">${htmlText(content.button.label)}</a></td></tr></table>` +
        `<p style="margin:0 0 16px;font-size:13px;line-height:1.5;color:${INK_SOFT};word-break:break-all;">${escapeHtml(href)}</p>`
      : '';
  const footer = content.footer.map((f) => `<p style="margin:0 0 6px;font-size:13px;line-height:1.5;color:${INK_SOFT};">${htmlText(f)}</p>`).join('');

  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:${WASH};font-family:${FONT};">${preheader}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:${WASH};"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border:1px solid ${LINE};border-radius:10px;border-top:4px solid ${accent};">
<tr><td style="padding:28px 28px 12px;font-family:${FONT};">
<h1 style="margin:0 0 18px;font-size:22px;line-height:1.3;color:${INK};">${htmlText(content.heading)}</h1>
${content.paragraphs.map(htmlBlock).join('\n')}
${button}
${(content.after ?? []).map(htmlBlock).join('\n')}
</td></tr>
<tr><td style="padding:16px 28px 24px;border-top:1px solid ${LINE};font-family:${FONT};">${footer}</td></tr>
</table>
</td></tr></table>
</body></html>`;

  return { subject, text, html };
}
