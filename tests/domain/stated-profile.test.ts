import { describe, expect, it } from 'vitest';
import { lockedFields } from '../../src/domain/stated-profile.ts';
import { instrument } from '../helpers/instrument.ts';

describe('lockedFields', () => {
  it('keeps the stated values the instrument offers and nothing else', () => {
    expect(lockedFields(instrument, { industry: 'manufacturing', employees: null, region: 'europe', motion: undefined })).toEqual({ industry: 'manufacturing', region: 'europe' });
  });

  it('leaves a value the instrument no longer offers to the respondent', () => {
    expect(lockedFields(instrument, { industry: 'astrology', salesTeam: '' })).toEqual({});
  });

  it('never locks a field outside the company profile, whatever is passed in', () => {
    const sneaky = { role: 'executive', company: 'Other', industry: 'other' } as unknown as Parameters<typeof lockedFields>[1];
    expect(lockedFields(instrument, sneaky)).toEqual({ industry: 'other' });
  });
});
