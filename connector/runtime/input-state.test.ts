import { describe, expect, it } from '@jest/globals';
import { parseStateInput } from './input-state.js';

// The streams a source offers, as the runtime is told them.
const SIX = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'];

const streamState = (name: string, state: unknown) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: state } });
const stateMessage = (name: string, state: unknown) => ({ type: 'STATE', state: streamState(name, state) });

describe('parseStateInput with the STATE messages a read prints', () => {
  it('takes a single STATE message', () => {
    const states = parseStateInput(stateMessage('Account', { SystemModstamp: '2024-01-01T00:00:00.000Z' }), 's.json', SIX);
    expect([...states]).toEqual([['Account', { SystemModstamp: '2024-01-01T00:00:00.000Z' }]]);
  });

  it('takes an array of them, a later STATE of a stream replacing an earlier one', () => {
    const states = parseStateInput(
      [
        stateMessage('Account', { SystemModstamp: '2024-01-01T00:00:00.000Z' }),
        stateMessage('Lead', {}),
        stateMessage('Account', { SystemModstamp: '2024-02-01T00:00:00.000Z' }),
      ],
      's.json',
      SIX,
    );
    expect(states.get('Account')).toEqual({ SystemModstamp: '2024-02-01T00:00:00.000Z' });
    expect(states.get('Lead')).toEqual({});
  });

  it('refuses a STATE message without a state, naming the file', () => {
    expect(() => parseStateInput({ type: 'STATE' }, 's.json', SIX)).toThrow(/The state file s\.json has a STATE message without a state object/);
  });
});
