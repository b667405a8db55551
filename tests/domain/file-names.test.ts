import { describe, expect, it } from 'vitest';
import { reportFileName, slug } from '../../src/domain/file-names.ts';

describe('slug', () => {
  it.each([
    ["Zoë O'Brien & Co.", 'zoe-obrien-co'],
    ['Łukasiewicz Łódź', 'lukasiewicz-lodz'],
    ['Zoë Ørsted Logistics', 'zoe-orsted-logistics'],
    ['Æbleskiver Œuvre Straße Þing Đakovo', 'aebleskiver-oeuvre-strasse-thing-dakovo'],
    ['<script>alert(1)</script>', 'script-alert-1-script'],
    ['Αθήνα Москва', 'company'],
    ['   ', 'company'],
    ['a'.repeat(80), 'a'.repeat(60)],
    ['Ends with a dash at sixty characters — here is the long tail', 'ends-with-a-dash-at-sixty-characters-here-is-the-long-tail'],
  ])('%s → %s', (text, want) => {
    expect(slug(text)).toBe(want);
  });
});

describe('reportFileName', () => {
  it('names company and personal reports after the company and the date', () => {
    expect(reportFileName('company', 'Zoë Ørsted', '2026-11-23')).toBe('velocity-index-zoe-orsted-2026-11-23.pdf');
    expect(reportFileName('personal', 'Zoë Ørsted', '2026-11-23')).toBe('velocity-index-personal-zoe-orsted-2026-11-23.pdf');
  });
});
