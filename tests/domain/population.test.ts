import { describe, expect, it } from 'vitest';
import { comparedWith, populationInForce, populationOf, startOfUtcDay } from '../../src/domain/population.ts';

describe('who counts (src/domain/population.ts)', () => {
  it('counts a participant invited through a consultant’s link, whatever their network', () => {
    for (const networkPlaceFree of [true, false, null]) expect(populationOf({ invited: true, networkPlaceFree })).toBe('benchmark');
  });

  it('counts an open-enrolment participant only while their network’s place is free', () => {
    expect(populationOf({ invited: false, networkPlaceFree: true })).toBe('benchmark');
    expect(populationOf({ invited: false, networkPlaceFree: false })).toBe('unverified');
    expect(populationOf({ invited: false, networkPlaceFree: null })).toBe('unverified');
  });

  it('compares real readers with the benchmark and demo ones with demo data, never mixed', () => {
    expect(comparedWith('benchmark')).toBe('benchmark');
    expect(comparedWith('unverified')).toBe('benchmark');
    expect(comparedWith('demo')).toBe('demo');
  });

  it('holds the benchmark in force as soon as it has anyone', () => {
    expect(populationInForce(false)).toBe('demo');
    expect(populationInForce(true)).toBe('benchmark');
  });

  it('starts the day at midnight UTC', () => {
    expect(startOfUtcDay(new Date('2026-05-20T23:59:59.999Z'))).toEqual(new Date('2026-05-20T00:00:00Z'));
    expect(startOfUtcDay(new Date('2026-05-21T00:00:00Z'))).toEqual(new Date('2026-05-21T00:00:00Z'));
  });
});
