import { describe, expect, it } from '@jest/globals';
import { probeQuery, soqlDateTime, streamQuery } from './soql.js';

describe('SOQL building', () => {
  it('orders by cursor then Id and bounds with unquoted UTC literals', () => {
    expect(streamQuery('Account', ['Id', 'SystemModstamp'], { from: '2024-01-01T00:00:00+02:00' })).toBe(
      'SELECT Id,SystemModstamp FROM Account WHERE SystemModstamp >= 2023-12-31T22:00:00.000Z ORDER BY SystemModstamp ASC,Id ASC',
    );
    expect(streamQuery('Case', ['Id'])).toBe('SELECT Id FROM Case ORDER BY SystemModstamp ASC,Id ASC');
  });

  it('bounds a window on both sides and resumes exactly after a record', () => {
    expect(
      streamQuery('Lead', ['Id'], {
        from: '2024-01-01T00:00:00Z',
        to: '2024-02-01T00:00:00Z',
        after: { stamp: '2024-01-15T00:00:00.000Z', id: '00Q000000000001AAA' },
      }),
    ).toBe(
      'SELECT Id FROM Lead WHERE SystemModstamp >= 2024-01-01T00:00:00.000Z AND SystemModstamp < 2024-02-01T00:00:00.000Z AND ' +
        "(SystemModstamp > 2024-01-15T00:00:00.000Z OR (SystemModstamp = 2024-01-15T00:00:00.000Z AND Id > '00Q000000000001AAA')) " +
        'ORDER BY SystemModstamp ASC,Id ASC',
    );
  });

  it('counts a slice without ordering', () => {});

  it('probes with one row', () => {
    expect(probeQuery('User')).toBe('SELECT Id FROM User LIMIT 1');
  });

  it('refuses to build literals from anything but validated values', () => {
    expect(() => soqlDateTime("2024-01-01' OR Name != '")).toThrow(/not a date-time/);
    expect(() => streamQuery('Lead', ['Id'], { after: { stamp: '2024-01-01T00:00:00Z', id: "x' OR '1'='1" } })).toThrow(/not a Salesforce Id/);
  });
});
