import { describe, expect, it } from '@jest/globals';
import type { DescribeResult } from '../api/types.js';
import { baselineFields, hiddenBaselineFields } from './baseline.js';

const describing = (names: readonly string[]) => ({ fields: names.map((name) => ({ name })) }) as unknown as DescribeResult;

describe('the baseline fields', () => {
  it('are each object its own promised list, asked in any order and again', () => {
    const account = baselineFields('Account');
    const contact = baselineFields('Contact');
    expect(account).toContain('AnnualRevenue');
    expect(contact).toContain('Email');
    expect(contact).not.toContain('AnnualRevenue');
    expect(baselineFields('Account')).toEqual(account);
    expect(baselineFields('Custom__c')).toEqual([]);
  });

  it('are hidden when the describe lacks them, and only then', () => {
    const account = baselineFields('Account');
    expect(hiddenBaselineFields('Account', describing(account.filter((f) => f !== 'AnnualRevenue')))).toEqual(['AnnualRevenue']);
    expect(hiddenBaselineFields('Contact', describing(baselineFields('Contact')))).toEqual([]);
  });
});
