import { describe, expect, it } from 'vitest';
import { renderMail } from '../../src/server/mail/render.ts';

const base = {
  subject: 'Your link',
  heading: 'Pick up where you left off',
  paragraphs: ['First line.'],
  footer: ['Sent by Velocity Index.'],
};

describe('renderMail', () => {
  it('escapes names in HTML and keeps them readable in text', () => {
    const m = renderMail({ ...base, heading: 'Study <script>alert(1)</script> & "Co"', paragraphs: ['<img src=x onerror=alert(1)>'] });
    expect(m.html).not.toContain('<script>');
    expect(m.html).not.toContain('<img');
    expect(m.html).toContain('Study &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
    expect(m.text).toContain('Study <script>alert(1)</script> & "Co"');
  });

  it('keeps the subject on one line whatever a name holds', () => {
    const m = renderMail({ ...base, subject: 'Acme\r\nBcc: victim@example.com\u202Egnp' });
    expect(m.subject).toBe('Acme Bcc: victim@example.com gnp');
    expect(m.subject).not.toMatch(/[\r\n\u202E]/);
  });

  it('puts the button link in both parts, escaped in the attribute', () => {
    const m = renderMail({ ...base, button: { label: 'Continue', href: 'https://bench.example.com/r/abc?x=1&y="2"' } });
    expect(m.html).toContain('href="https://bench.example.com/r/abc?x=1&amp;y=%222%22"');
    expect(m.text).toContain('Continue:\nhttps://bench.example.com/r/abc?x=1&y=%222%22');
  });

  it('refuses a button that is not an http(s) link', () => {
    expect(() => renderMail({ ...base, button: { label: 'Go', href: 'javascript:alert(1)' } })).toThrow(/http/);
    expect(() => renderMail({ ...base, button: { label: 'Go', href: '/relative' } })).toThrow(/absolute/);
  });

  it('uses a valid accent colour and ignores anything else', () => {
    expect(renderMail({ ...base, accent: '#aa3300' }).html).toContain('#aa3300');
    const bad = renderMail({ ...base, accent: 'red;background:url(x)' }).html;
    expect(bad).not.toContain('url(x)');
    expect(bad).toContain('#0b5cad');
  });

  it('renders lists and tables in both parts', () => {
    const m = renderMail({
      ...base,
      paragraphs: [{ list: ['One', 'Two'] }, { table: { caption: 'Studies', head: ['Study', 'Completed', 'Started'], rows: [['Q3 <pilot>', '4', '9']] } }],
    });
    expect(m.text).toContain('- One\n- Two');
    expect(m.text).toContain('- Q3 <pilot>: Completed 4, Started 9');
    expect(m.html).toContain('<th scope="row"');
    expect(m.html).toContain('Q3 &lt;pilot&gt;');
    expect(m.html).toMatch(/<caption[^>]*>Studies<\/caption>/);
  });

  it('hides the preheader and leaves it out of the text part', () => {
    const m = renderMail({ ...base, preheader: 'A short preview' });
    expect(m.html).toMatch(/display:none[^>]*>A short preview</);
    expect(m.text).not.toContain('A short preview');
  });
});
