import { describe, expect, it } from '@jest/globals';
import { SalesforceApiError } from '../api/failures.js';
import { DELETIONS_STATE_KEY, deletionRecord, deletionsFrom, halveSpan, listsDeletions, parts, refusesGetDeleted } from './deleted-records.js';

const MINUTE = 60_000;
const apiError = (status: number, code: string, message = '') => new SalesforceApiError(status, code, message, '/services/data/v62.0/sobjects/X/deleted/');

describe('deletion records', () => {
  it('carry the Id, IsDeleted and the deletion time as cursor and as _ab_cdc_deleted_at, nothing else', () => {
    expect(deletionRecord('001000000000001AAA', '2026-05-07T22:07:19.000+0000', 'SystemModstamp')).toEqual({
      Id: '001000000000001AAA',
      IsDeleted: true,
      SystemModstamp: '2026-05-07T22:07:19.000Z',
      _ab_cdc_deleted_at: '2026-05-07T22:07:19.000Z',
    });
    expect(Object.keys(deletionRecord('a', '2026-05-07T22:07:19.000+0000', 'LastModifiedDate'))).toEqual([
      'Id',
      'IsDeleted',
      'LastModifiedDate',
      '_ab_cdc_deleted_at',
    ]);
  });

  it('start from the saved position, or from when a first read started', () => {
    expect(deletionsFrom({ [DELETIONS_STATE_KEY]: '2026-05-01T10:00:00.000Z' }, '2026-05-02T00:00:00.000Z')).toBe('2026-05-01T10:00:00.000Z');
    expect(deletionsFrom({}, '2026-05-02T00:00:00.000Z')).toBe('2026-05-02T00:00:00.000Z');
    expect(deletionsFrom({ [DELETIONS_STATE_KEY]: 'garbage' }, '2026-05-02T00:00:00.000Z')).toBe('2026-05-02T00:00:00.000Z');
    expect(deletionsFrom(undefined, '2026-05-02T00:00:00.000Z')).toBe('2026-05-02T00:00:00.000Z');
  });

  it('halve their window in whole minutes, never below what Salesforce accepts', () => {
    expect(halveSpan(60 * MINUTE)).toBe(30 * MINUTE);
    expect(halveSpan(5 * MINUTE)).toBe(2 * MINUTE);
    expect(halveSpan(3 * MINUTE)).toBeUndefined();
  });

  it('are delivered in parts of a checkpoint each, an answer without any as one empty part', () => {
    expect(parts([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(parts([1, 2, 3, 4], 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(parts([], 2)).toEqual([[]]);
  });

  it('are skipped for objects that refuse Get Deleted, not for a bad date or a failure', () => {
    expect(refusesGetDeleted(apiError(404, 'NOT_FOUND', 'The requested resource does not exist'))).toBe(true);
    expect(refusesGetDeleted(apiError(400, 'INVALID_TYPE', "sObject type 'X' is not supported."))).toBe(true);
    expect(refusesGetDeleted(apiError(400, 'INVALID_OPERATION', 'entity type X does not support replication'))).toBe(true);
    expect(refusesGetDeleted(apiError(400, 'INVALID_REPLICATION_DATE', 'startDate before org replication enabled date'))).toBe(false);
    expect(refusesGetDeleted(apiError(400, 'EXCEEDED_ID_LIMIT'))).toBe(false);
    expect(refusesGetDeleted(apiError(500, 'UNKNOWN_EXCEPTION'))).toBe(false);
    expect(refusesGetDeleted(new Error('x'))).toBe(false);
  });

  it('are not read for an object whose describe says it is not replicateable', () => {
    expect(listsDeletions({ name: 'X', fields: [], replicateable: false })).toBe(false);
    expect(listsDeletions({ name: 'X', fields: [], replicateable: true })).toBe(true);
    expect(listsDeletions({ name: 'X', fields: [] })).toBe(true);
  });
});
