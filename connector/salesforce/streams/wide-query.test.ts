import { describe, expect, it } from '@jest/globals';
import { streamQuery } from '../soql.js';
import { chunkFields, fitsInUrl, lookupQueries } from './wide-query.js';

const SM = { primaryKey: 'Id', cursor: 'SystemModstamp' };

const many = Array.from({ length: 600 }, (_, i) => `Custom_Field_Number_${i}__c`);
const names = ['Id', 'SystemModstamp', ...many];

describe('wide queries', () => {
  it('keeps a narrow query whole', () => {
    expect(chunkFields('Account', ['Id', 'SystemModstamp', 'Name'], {}, 16_000, SM)).toEqual([['Id', 'SystemModstamp', 'Name']]);
  });

  it('splits a wide query into chunks that each fit, the first driving order, all joinable by Id', () => {
    const bounds = { from: '2024-01-01T00:00:00Z' };
    expect(fitsInUrl(streamQuery('Account', names, bounds, SM), 16_000)).toBe(false);
    const chunks = chunkFields('Account', names, bounds, 16_000, SM);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks[0].slice(0, 2)).toEqual(['Id', 'SystemModstamp']);
    for (const chunk of chunks) {
      expect(chunk[0]).toBe('Id');
      expect(fitsInUrl(streamQuery('Account', chunk, bounds, SM), 16_000)).toBe(true);
    }
    expect(
      chunks
        .flatMap((c) => c)
        .filter((n) => n !== 'Id')
        .sort(),
    ).toEqual(names.filter((n) => n !== 'Id').sort());
  });

  it('batches Id lookups so each URL fits', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `001${String(i).padStart(12, '0')}AAA`);
    const queries = lookupQueries('Account', ['Id', 'Name'], ids, 16_000);
    expect(queries.length).toBeGreaterThan(1);
    for (const q of queries) expect(fitsInUrl(q, 16_000)).toBe(true);
    expect(queries.join(' ').match(/'001/g)).toHaveLength(2000);
  });
});
