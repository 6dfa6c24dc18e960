import { describe, expect, it } from '@jest/globals';
import { foreignStateKeys } from './state-keys.js';

describe('foreignStateKeys', () => {
  // Spelled out as saved states hold them: a key dropped from the known set (or renamed) would make
  // the next read warn and start the stream over, re-reading its whole history.
  it('knows every key this source writes', () => {
    const incremental = {
      cursor_field: 'SystemModstamp',
      SystemModstamp: '2026-03-09T08:00:00.000Z',
      recently_delivered: { '001000000000001AAA': '2026-03-09T08:00:00.000Z' },
      deletions_through: '2026-03-09T08:00:00.000Z',
      formula_refreshed_at: '2026-03-09T08:00:00.000Z',
    };
    expect(foreignStateKeys(incremental)).toEqual([]);
    expect(foreignStateKeys({ full_refresh: 'in_progress', after_id: '001000000000001AAA' })).toEqual([]);
    expect(foreignStateKeys({ cursor_field: 'LastModifiedDate', LastModifiedDate: '2026-03-09T08:00:00.000Z' })).toEqual([]);
  });

  it('names the keys of another connector, the field of another cursor included', () => {
    expect(foreignStateKeys({ updated_at: '2024-05-01T00:00:00Z', page: 3 })).toEqual(['updated_at', 'page']);
    expect(foreignStateKeys({ cursor_field: 'SystemModstamp', Custom_Stamp__c: '2026-03-09T08:00:00.000Z' })).toEqual(['Custom_Stamp__c']);
  });
});
