import { describe, expect, it } from '@jest/globals';
import { probeQuery, soqlDateTime, streamQuery } from './soql.js';

const SM = { primaryKey: 'Id', cursor: 'SystemModstamp' };

describe('SOQL building', () => {
  it('orders by cursor then Id and bounds with unquoted UTC literals', () => {
    expect(streamQuery('Account', ['Id', 'SystemModstamp'], { from: '2024-01-01T00:00:00+02:00' }, SM)).toBe(
      'SELECT Id,SystemModstamp FROM Account WHERE SystemModstamp >= 2023-12-31T22:00:00.000Z ORDER BY SystemModstamp ASC,Id ASC',
    );
    expect(streamQuery('Case', ['Id'], {}, SM)).toBe('SELECT Id FROM Case ORDER BY SystemModstamp ASC,Id ASC');
  });

  it('bounds a window on both sides and resumes exactly after a record', () => {
    expect(
      streamQuery(
        'Lead',
        ['Id'],
        {
          from: '2024-01-01T00:00:00Z',
          to: '2024-02-01T00:00:00Z',
          after: { stamp: '2024-01-15T00:00:00.000Z', id: '00Q000000000001AAA' },
        },
        SM,
      ),
    ).toBe(
      'SELECT Id FROM Lead WHERE SystemModstamp >= 2024-01-01T00:00:00.000Z AND SystemModstamp < 2024-02-01T00:00:00.000Z AND ' +
        "(SystemModstamp > 2024-01-15T00:00:00.000Z OR (SystemModstamp = 2024-01-15T00:00:00.000Z AND Id > '00Q000000000001AAA')) " +
        'ORDER BY SystemModstamp ASC,Id ASC',
    );
  });

  it('uses the cursor of each stream, Id alone without one, and no order without Id', () => {
    expect(streamQuery('AccountHistory', ['Id'], { from: '2024-01-01T00:00:00Z' }, { primaryKey: 'Id', cursor: 'CreatedDate' })).toBe(
      'SELECT Id FROM AccountHistory WHERE CreatedDate >= 2024-01-01T00:00:00.000Z ORDER BY CreatedDate ASC,Id ASC',
    );
    expect(streamQuery('LoginHistory', ['Id'], { from: '2024-01-01T00:00:00Z', after: { id: '0Ya000000000001AAA' } }, { primaryKey: 'Id' })).toBe(
      "SELECT Id FROM LoginHistory WHERE Id > '0Ya000000000001AAA' ORDER BY Id ASC",
    );
    expect(streamQuery('Snapshot', ['Name'], {}, {})).toBe('SELECT Name FROM Snapshot');
    expect(probeQuery('Snapshot', {})).toBe('SELECT COUNT() FROM Snapshot');
  });

  it('probes with one row', () => {
    expect(probeQuery('User')).toBe('SELECT Id FROM User LIMIT 1');
  });

  it('refuses to build literals from anything but validated values', () => {
    expect(() => soqlDateTime("2024-01-01' OR Name != '")).toThrow(/not a date-time/);
    expect(() => streamQuery('Lead', ['Id'], { after: { stamp: '2024-01-01T00:00:00Z', id: "x' OR '1'='1" } }, SM)).toThrow(/not a Salesforce Id/);
  });
});
