import { describe, expect, it } from 'vitest';
import { becameVisible, isoWeek, weeklySummary, type SummaryStudyInput } from '../../src/domain/weekly-summary.ts';

const NOW = new Date('2031-03-06T08:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

function study(over: Partial<SummaryStudyInput> = {}): SummaryStudyInput {
  return { name: 'Q1 pipeline review', href: 'https://bench.example.com/consultant/studies/1', invited: 12, started: 6, completedAt: [], companies: [], ...over };
}

describe('isoWeek', () => {
  it('follows ISO 8601 at year boundaries', () => {
    expect(isoWeek(new Date('2031-03-06T08:00:00Z'))).toBe('2031-W10');
    expect(isoWeek(new Date('2027-01-01T12:00:00Z'))).toBe('2026-W53');
    expect(isoWeek(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01');
  });
});

describe('becameVisible', () => {
  it('is true only when the k + 1th respondent finished this week', () => {
    const k = 3;
    expect(becameVisible({ name: 'A', floor: 0, completedAt: [daysAgo(20), daysAgo(10), daysAgo(9), daysAgo(1)] }, k, NOW)).toBe(true);
    // Already visible last week: it grew, but did not become visible.
    expect(becameVisible({ name: 'B', floor: 0, completedAt: [daysAgo(20), daysAgo(10), daysAgo(9), daysAgo(8), daysAgo(1)] }, k, NOW)).toBe(false);
    // Not there yet.
    expect(becameVisible({ name: 'C', floor: 0, completedAt: [daysAgo(2), daysAgo(1), daysAgo(0)] }, k, NOW)).toBe(false);
  });

  it('respects the release floor a deletion left behind', () => {
    const times = [daysAgo(3), daysAgo(3), daysAgo(2), daysAgo(1)];
    expect(becameVisible({ name: 'D', floor: 5, completedAt: times }, 3, NOW)).toBe(false);
    expect(becameVisible({ name: 'D', floor: 5, completedAt: [...times, daysAgo(0)] }, 3, NOW)).toBe(true);
  });
});

describe('weeklySummary', () => {
  it('counts this week against the whole study and names companies whose figures appeared', () => {
    const s = weeklySummary({
      consultantName: 'Sam',
      k: 2,
      now: NOW,
      studies: [
        study({
          completedAt: [daysAgo(30), daysAgo(6), daysAgo(1)],
          companies: [
            { name: 'Zeta Ltd', floor: 0, completedAt: [daysAgo(30), daysAgo(6), daysAgo(1)] },
            { name: 'Acme', floor: 0, completedAt: [daysAgo(1)] },
          ],
        }),
      ],
    });
    expect(s.week).toBe('2031-W10');
    expect(s.studies[0]).toMatchObject({ completed: 3, completedThisWeek: 2, started: 6, invited: 12, newlyVisible: ['Zeta Ltd'] });
    expect(s.quiet).toBe(false);
    expect(s.subject).toBe('Your studies this week: 2 new responses, 1 company report ready');
    expect(s.intro).toMatch(/^Hello Sam, /);
  });

  it('says plainly when a week was quiet', () => {
    const s = weeklySummary({ consultantName: null, k: 2, now: NOW, studies: [study({ completedAt: [daysAgo(8)] })] });
    expect(s.quiet).toBe(true);
    expect(s.subject).toBe('Your studies this week: no new responses');
    expect(s.intro).toMatch(/^Hello, nobody finished/);
  });

  it('counts a finish exactly seven days ago as last week', () => {
    const s = weeklySummary({ consultantName: null, k: 2, now: NOW, studies: [study({ completedAt: [daysAgo(7), new Date(daysAgo(7).getTime() + 1)] })] });
    expect(s.studies[0]!.completedThisWeek).toBe(1);
  });
});
