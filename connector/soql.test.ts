import { describe, expect, it } from '@jest/globals';
import { fullRefreshQuery, incrementalQuery, probeQuery, soqlDateTime } from './soql.js';

describe('SOQL building', () => {
  it('orders incremental reads by the cursor and bounds them with an unquoted UTC literal', () => {
    expect(incrementalQuery('Account', ['Id', 'SystemModstamp'], '2024-01-01T00:00:00+02:00')).toBe(
      'SELECT Id,SystemModstamp FROM Account WHERE SystemModstamp >= 2023-12-31T22:00:00.000Z ORDER BY SystemModstamp ASC',
    );
    expect(incrementalQuery('Case', ['Id'])).toBe('SELECT Id FROM Case ORDER BY SystemModstamp ASC');
  });

  it('bounds a full refresh by start_date only', () => {
    expect(fullRefreshQuery('Lead', ['Id', 'Name'])).toBe('SELECT Id,Name FROM Lead');
    expect(fullRefreshQuery('Lead', ['Id'], '2024-05-01T00:00:00Z')).toBe('SELECT Id FROM Lead WHERE SystemModstamp >= 2024-05-01T00:00:00.000Z');
  });

  it('probes with one row', () => {
    expect(probeQuery('User')).toBe('SELECT Id FROM User LIMIT 1');
  });

  it('refuses to build a literal from text that is not a date-time', () => {
    expect(() => soqlDateTime("2024-01-01' OR Name != '")).toThrow(/not a date-time/);
  });
});
