import { describe, expect, it } from '@jest/globals';
import { LATE_COMMIT_LOOKBACK_MS, incrementalLowerBound, laterOf, readCursor } from './cursor.js';
import { DEFAULT_OBJECTS as SIX } from '../config/defaults.js';
import { parseStateInput } from '../../runtime/input-state.js';

const streamState = (name: string, state: unknown) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: state } });

describe('parseStateInput', () => {
  it('reads per-stream state messages', () => {
    const states = parseStateInput([streamState('Account', { SystemModstamp: '2024-01-01T00:00:00.000Z' }), streamState('Lead', null)], 's.json', SIX);
    expect(states.get('Account')).toEqual({ SystemModstamp: '2024-01-01T00:00:00.000Z' });
    expect(states.get('Lead')).toEqual({});
  });

  it('understands legacy and global forms', () => {
    expect(parseStateInput({ Account: { SystemModstamp: 'x' } }, 's.json', SIX).get('Account')).toEqual({ SystemModstamp: 'x' });
    expect(parseStateInput({ type: 'LEGACY', data: { Case: { a: 1 } } }, 's.json', SIX).get('Case')).toEqual({ a: 1 });
    const global = { type: 'GLOBAL', global: { stream_states: [{ stream_descriptor: { name: 'User' }, stream_state: { b: 2 } }] } };
    expect(parseStateInput([global], 's.json', SIX).get('User')).toEqual({ b: 2 });
  });

  it('treats an empty file as no state', () => {
    expect(parseStateInput([], 's.json', SIX).size).toBe(0);
    expect(parseStateInput(null, 's.json', SIX).size).toBe(0);
    expect(parseStateInput({}, 's.json', SIX).size).toBe(0);
  });

  it.each([
    [[streamState('Widget', {})], /unknown stream 'Widget'/],
    [[{ type: 'STREAM', stream: {} }], /stream_descriptor/],
    [[{ type: 'PER_STREAM' }], /unknown type/],
    [[streamState('Account', 'text')], /not an object/],
    ['text', /JSON array/],
  ])('rejects %j naming the file', (raw, message) => {
    expect(() => parseStateInput(raw, 's.json', SIX)).toThrow(message);
    expect(() => parseStateInput(raw, 's.json', SIX)).toThrow(/s\.json/);
  });
});

describe('cursor', () => {
  it('reads and normalises the cursor', () => {
    expect(readCursor({ SystemModstamp: '2024-01-01T00:00:00Z' })).toEqual({ cursor: '2024-01-01T00:00:00.000Z', field: 'SystemModstamp' });
    expect(readCursor({ SystemModstamp: '2024-01-01T00:00:00.000+0000' })).toEqual({ cursor: '2024-01-01T00:00:00.000Z', field: 'SystemModstamp' });
    expect(readCursor({})).toEqual({});
    expect(readCursor(undefined)).toEqual({});
  });

  it('reads the cursor of the field the state names, so a stream keyed on CreatedDate keeps it', () => {
    expect(readCursor({ cursor_field: 'CreatedDate', CreatedDate: '2024-05-01T00:00:00Z' })).toEqual({
      cursor: '2024-05-01T00:00:00.000Z',
      field: 'CreatedDate',
    });
    // A state naming its field but holding no value of it has no cursor.
    expect(readCursor({ cursor_field: 'CreatedDate', SystemModstamp: '2024-05-01T00:00:00Z' })).toEqual({});
  });

  it('repairs a cursor that is not a date-time from the newest valid version the state lists', () => {
    const recent = { '001000000000001AAA': '2024-03-01T00:00:00.000Z', '001000000000002AAA': 'null', '001000000000003AAA': '2024-03-02T00:00:00.000Z' };
    expect(readCursor({ SystemModstamp: 'null', recently_delivered: recent })).toEqual({
      cursor: '2024-03-02T00:00:00.000Z',
      field: 'SystemModstamp',
      repairedFrom: 'null',
    });
    expect(readCursor({ SystemModstamp: 'soon' })).toEqual({ cursor: undefined, field: 'SystemModstamp', repairedFrom: 'soon' });
    expect(readCursor({ SystemModstamp: 1714000000000 })).toEqual({ cursor: undefined, field: 'SystemModstamp', repairedFrom: 1714000000000 });
  });

  it('starts the next query one look-back window before the cursor, never before start_date', () => {
    const cursor = '2024-06-01T12:00:00.000Z';
    const expected = new Date(Date.parse(cursor) - LATE_COMMIT_LOOKBACK_MS).toISOString();
    expect(incrementalLowerBound(cursor, undefined)).toBe(expected);
    expect(incrementalLowerBound(cursor, '2024-06-01T11:59:59.000Z')).toBe('2024-06-01T11:59:59.000Z');
    expect(incrementalLowerBound(undefined, '2024-01-01T00:00:00.000Z')).toBe('2024-01-01T00:00:00.000Z');
    expect(incrementalLowerBound(undefined, undefined)).toBeUndefined();
  });

  it('picks the later instant', () => {
    expect(laterOf('2024-01-01T00:00:00.000Z', '2023-01-01T00:00:00.000Z')).toBe('2024-01-01T00:00:00.000Z');
    expect(laterOf(undefined, 'b')).toBe('b');
    expect(laterOf('a', undefined)).toBe('a');
  });
});
