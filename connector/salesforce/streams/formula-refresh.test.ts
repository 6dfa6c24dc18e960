import { describe, expect, it } from '@jest/globals';
import { FORMULA_STATE_KEY, formulaFields, formulaRefreshDue, refreshReadApi } from './formula-refresh.js';

const NOW = '2026-03-10T12:00:00.000Z';
const hoursBefore = (h: number) => new Date(Date.parse(NOW) - h * 3_600_000).toISOString();
const CURSOR = '2026-03-10T11:00:00.000Z';

describe('formulaRefreshDue', () => {
  // `cursor` null: the read starts from start_date (a first run).
  const plan = (hours: number | undefined, refreshedAt: string | undefined, cursor: string | null = CURSOR, formulas = ['Days__c']) =>
    formulaRefreshDue({ hours, formulas, streamState: refreshedAt ? { [FORMULA_STATE_KEY]: refreshedAt } : {}, cursor: cursor ?? undefined, now: NOW });

  it('is off without the option or without formula fields, and keeps nothing in state then', () => {
    expect(plan(undefined, hoursBefore(100))).toEqual({ refresh: false });
    expect(plan(6, hoursBefore(100), CURSOR, [])).toEqual({ refresh: false });
  });

  it('counts a read from the beginning as a refresh that started now', () => {
    expect(plan(6, undefined, null)).toEqual({ refresh: false, during: NOW, after: NOW });
    expect(plan(6, hoursBefore(100), null)).toEqual({ refresh: false, during: NOW, after: NOW });
  });

  it('is due once the interval has passed, and not a moment before', () => {
    expect(plan(6, hoursBefore(5.99))).toEqual({ refresh: false, during: hoursBefore(5.99), after: hoursBefore(5.99) });
    const due = plan(6, hoursBefore(6));
    expect(due).toMatchObject({ refresh: true, during: hoursBefore(6), after: NOW });
    expect(due.reason).toContain(`started at ${hoursBefore(6)}, more than 6 hours ago`);
  });

  it('is due at once for a stream read before the option was set, or whose state holds no date-time', () => {
    expect(plan(6, undefined)).toMatchObject({ refresh: true, after: NOW, reason: 'no formula refresh is recorded in its state yet' });
    expect(plan(6, 'yesterday')).toMatchObject({ refresh: true, after: NOW });
  });
});

describe('formula fields and the read API of a refresh', () => {
  it('picks the calculated fields', () => {
    expect(
      formulaFields([
        { name: 'Id', type: 'id' },
        { name: 'Days__c', type: 'int', calculated: true },
        { name: 'Name', type: 'string', calculated: false },
      ]),
    ).toEqual(['Days__c']);
  });

  it('reads through Bulk unless the user chose REST', () => {
    expect([refreshReadApi('auto'), refreshReadApi('bulk'), refreshReadApi('rest')]).toEqual(['bulk', 'bulk', 'rest']);
  });
});
