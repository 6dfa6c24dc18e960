import { describe, expect, it } from '@jest/globals';
import type { ConfiguredStream } from '../../runtime/configured-catalog.js';
import type { DescribeResult } from '../api/types.js';
import { readCursor } from '../state/cursor.js';
import { planRead, type ReadOptions, type ReadPlanInput } from './read-plan.js';

const NOW = '2026-03-10T12:00:00.000Z';
const CURSOR = '2026-03-09T08:00:00.000Z';
const FIVE_BEFORE = '2026-03-09T07:55:00.000Z';
const START = '2025-01-01T00:00:00.000Z';

const account: DescribeResult = {
  name: 'Account',
  fields: [
    { name: 'Id', type: 'id' },
    { name: 'SystemModstamp', type: 'datetime' },
    { name: 'Name', type: 'string' },
    { name: 'Days__c', type: 'double', calculated: true },
  ],
};
const noCursor: DescribeResult = {
  name: 'Thing__c',
  fields: [
    { name: 'Id', type: 'id' },
    { name: 'Name', type: 'string' },
  ],
};

const incremental: ConfiguredStream = { name: 'Account', syncMode: 'incremental' };
const fullRefresh: ConfiguredStream = { name: 'Account', syncMode: 'full_refresh' };

function plan(over: Partial<ReadPlanInput> & { options?: ReadOptions } = {}) {
  const state = 'state' in over ? over.state : undefined;
  return planRead({ stream: incremental, describe: account, reading: readCursor(state), state, options: { startDate: START }, now: NOW, ...over });
}

describe('planRead', () => {
  it('reads an incremental stream from the look-back before its cursor, then its deletions from where they stopped', () => {
    const state = { cursor_field: 'SystemModstamp', SystemModstamp: CURSOR, deletions_through: '2026-03-09T07:00:00.000Z', recently_delivered: {} };
    const p = plan({ state });
    expect(p).toMatchObject({
      incremental: true,
      includeDeleted: true,
      api: 'auto',
      window: { from: FIVE_BEFORE },
      cursor: CURSOR,
      skipRecent: true,
      deletionsFrom: '2026-03-09T07:00:00.000Z',
      carried: { deletions_through: '2026-03-09T07:00:00.000Z' },
      keys: { primaryKey: 'Id', cursor: 'SystemModstamp' },
    });
    expect(p.fields.map((f) => f.name)).toEqual(['Id', 'SystemModstamp', 'Name', 'Days__c']);
    expect(p.notes).toEqual([{ level: 'INFO', message: `Account: incremental on SystemModstamp from ${FIVE_BEFORE}, 4 fields.` }]);
  });

  it('starts a first incremental read at start_date, and its deletions at the time the read starts', () => {
    const p = plan();
    expect(p).toMatchObject({ window: { from: START }, cursor: undefined, skipRecent: false, deletionsFrom: NOW, carried: { deletions_through: NOW } });
    expect(plan({ now: '2026-04-01T00:00:00.000Z' }).deletionsFrom).toBe('2026-04-01T00:00:00.000Z');
  });

  it('lists no deletions for an object Salesforce keeps no replication log of, nor in a full refresh', () => {
    expect(plan({ describe: { ...account, replicateable: false } })).toMatchObject({ deletionsFrom: undefined, carried: {} });
    expect(plan({ stream: fullRefresh })).toMatchObject({ deletionsFrom: undefined, carried: {}, includeDeleted: false });
  });

  it('reads again from start_date, forgetting the state, when the state holds a cursor of another field', () => {
    const state = { cursor_field: 'LastModifiedDate', LastModifiedDate: CURSOR, deletions_through: '2026-03-09T07:00:00.000Z' };
    const p = plan({ state });
    expect(p).toMatchObject({ window: { from: START }, cursor: undefined, skipRecent: false, deletionsFrom: NOW });
    expect(p.notes[0]).toEqual({
      level: 'WARN',
      message: `Account: the state holds a LastModifiedDate cursor but Account is now read on SystemModstamp, so Account is read again from ${START}; records already delivered may arrive again.`,
    });
  });

  it('re-reads the whole stream through Bulk when a formula refresh is due, keeping the old refresh time until it ends', () => {
    const state = { SystemModstamp: CURSOR, formula_refreshed_at: '2026-03-09T00:00:00.000Z' };
    const p = plan({ state, options: { startDate: START, formulaRefreshHours: 6 } });
    expect(p).toMatchObject({
      window: { from: START },
      cursor: CURSOR,
      api: 'bulk',
      skipRecent: false,
      carried: { formula_refreshed_at: '2026-03-09T00:00:00.000Z' },
      formulasRefreshedAfter: NOW,
    });
    expect(p.notes.map((n) => n.message)).toContain(
      `Account: re-reading every record from ${START} for its formula fields, because its last formula refresh started at 2026-03-09T00:00:00.000Z, more than 6 hours ago.`,
    );
    expect(plan({ state, options: { readApi: 'rest', formulaRefreshHours: 6 } }).api).toBe('rest');
    // Not due yet: an ordinary incremental read, which carries the last refresh on.
    const fresh = plan({ state, options: { formulaRefreshHours: 48 } });
    expect(fresh).toMatchObject({ window: { from: FIVE_BEFORE }, api: 'auto', skipRecent: true, formulasRefreshedAfter: undefined });
    expect(fresh.carried.formula_refreshed_at).toBe('2026-03-09T00:00:00.000Z');
  });

  it('resumes a full refresh cut off in an earlier run at its cursor, or after its last Id without one', () => {
    const byCursor = plan({ stream: fullRefresh, state: { full_refresh: 'in_progress', cursor_field: 'SystemModstamp', SystemModstamp: CURSOR } });
    expect(byCursor).toMatchObject({ incremental: false, window: { from: FIVE_BEFORE }, cursor: CURSOR, skipRecent: true });
    expect(byCursor.notes.at(-1)?.message).toBe(`Account: full refresh, resumed where the last run stopped (${CURSOR}), 4 fields.`);

    const afterId = '001000000000123AAA';
    const byId = plan({
      stream: { name: 'Thing__c', syncMode: 'full_refresh' },
      describe: noCursor,
      state: { full_refresh: 'in_progress', after_id: afterId },
    });
    expect(byId).toMatchObject({ window: { from: undefined, after: { id: afterId } }, afterId, keys: { primaryKey: 'Id' } });
    expect(byId.notes.at(-1)?.message).toContain('full refresh only (no SystemModstamp, LastModifiedDate or CreatedDate), resumed where the last run stopped');
  });

  it('starts a full refresh over when the last one completed, or its state is not one it can resume from', () => {
    const done = plan({ stream: fullRefresh, state: { full_refresh: 'complete', SystemModstamp: CURSOR } });
    expect(done).toMatchObject({ window: { from: START }, cursor: undefined, skipRecent: false });
    const badId = plan({
      stream: { name: 'Thing__c', syncMode: 'full_refresh' },
      describe: noCursor,
      state: { full_refresh: 'in_progress', after_id: "x' OR Id != '" },
    });
    expect(badId.window).toEqual({ from: undefined });
    // A cursor that is not a date-time: the log says the stream is read again, and so it is, not from a guess.
    const badCursor = { full_refresh: 'in_progress', cursor_field: 'SystemModstamp', SystemModstamp: 'none', recently_delivered: { '001A': CURSOR } };
    expect(plan({ stream: fullRefresh, state: badCursor })).toMatchObject({ window: { from: START }, cursor: undefined, skipRecent: false });
  });

  it('leaves out fields no longer readable, and says so', () => {
    const p = plan({ stream: { ...incremental, fields: ['Name', 'Gone__c', 'Lost__c'] } });
    expect(p.fields.map((f) => f.name)).toEqual(['Id', 'SystemModstamp', 'Name']);
    expect(p.notes[0].message).toBe(
      'Account: Gone__c, Lost__c are in the catalog but no longer readable (deleted, or hidden by field-level security); left out of this sync. Run discover to refresh the schema.',
    );
  });

  it('refuses an incremental read of an object without cursor', () => {
    expect(() => plan({ stream: { name: 'Thing__c', syncMode: 'incremental' }, describe: noCursor })).toThrow(/has no cursor field/);
  });

  it('is a function of its input alone', () => {
    const state = { SystemModstamp: CURSOR, formula_refreshed_at: '2026-03-09T00:00:00.000Z' };
    const input: ReadPlanInput = { stream: incremental, describe: account, reading: readCursor(state), state, options: { formulaRefreshHours: 6 }, now: NOW };
    const copy = structuredClone(input);
    expect(planRead(input)).toEqual(planRead(copy));
    expect(input).toEqual(copy);
  });
});
