/**
 * Turns the --state file's JSON into one state object per stream. Understands the per-stream array
 * Airbyte sends today, a GLOBAL state, and the legacy forms (`{"type":"LEGACY","data":{…}}` and a
 * bare `{"Account":{…}}` map) so old connections keep their progress; and, for people resuming by
 * hand, the STATE messages a read prints (`{"type":"STATE","state":{…}}`), alone or in an array,
 * where a later one of a stream replaces an earlier one.
 */
import { ConfigError } from './errors.js';

export type StreamStates = Map<string, Record<string, unknown>>;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `known`: the source's stream names, a state for any other stream being refused; undefined when any name may be a stream. */
export function parseStateInput(raw: unknown, path: string, known: readonly string[] | undefined): StreamStates {
  const states: StreamStates = new Map();
  const fail = (what: string): never => {
    throw new ConfigError(`The state file ${path} ${what}; pass the state printed by an earlier read, or no --state to start over.`);
  };
  const put = (name: unknown, state: unknown) => {
    if (typeof name !== 'string' || !name) fail('has a stream state without a stream name');
    if (known && !known.includes(name as string)) fail(`names the unknown stream '${String(name)}'`);
    if (state !== undefined && state !== null && !isObject(state)) fail(`holds a state for ${String(name)} that is not an object`);
    states.set(name as string, (state as Json | null | undefined) ?? {});
  };
  const fromMessage = (message: Json) => {
    const type = message.type ?? (message.stream ? 'STREAM' : message.global ? 'GLOBAL' : 'LEGACY');
    if (type === 'STATE') {
      if (!isObject(message.state)) fail('has a STATE message without a state object');
      fromMessage(message.state as Json);
    } else if (type === 'STREAM') {
      const stream = message.stream;
      if (!isObject(stream) || !isObject(stream.stream_descriptor)) fail('has a STREAM state without stream.stream_descriptor');
      const descriptor = (stream as Json).stream_descriptor as Json;
      put(descriptor.name, (stream as Json).stream_state);
    } else if (type === 'GLOBAL') {
      const global = message.global;
      if (!isObject(global) || !Array.isArray(global.stream_states)) fail('has a GLOBAL state without global.stream_states');
      for (const entry of (global as Json).stream_states as unknown[]) {
        if (!isObject(entry) || !isObject(entry.stream_descriptor)) fail('has a GLOBAL stream state without stream_descriptor');
        put(((entry as Json).stream_descriptor as Json).name, (entry as Json).stream_state);
      }
    } else if (type === 'LEGACY') {
      const data = message.data;
      if (!isObject(data)) fail('has a LEGACY state without a data object');
      for (const [name, state] of Object.entries(data as Json)) put(name, state);
    } else {
      fail(`has a state of unknown type '${String(type)}'`);
    }
  };

  if (raw === null || raw === undefined) return states;
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      if (!isObject(entry)) fail('holds an entry that is not a state message');
      fromMessage(entry as Json);
    }
  } else if (isObject(raw)) {
    if ('type' in raw || 'stream' in raw || 'global' in raw) fromMessage(raw);
    else {
      // A legacy bare map holds one object per stream; a config or a catalog given as --state would
      // otherwise be refused for naming the unknown stream 'hostname'.
      const notState = Object.keys(raw).find((key) => raw[key] !== null && !isObject(raw[key]));
      if (notState !== undefined) fail(`is no state ('${notState}' holds no stream's state: the config or the catalog given as --state?)`);
      for (const [name, state] of Object.entries(raw)) put(name, state); // legacy bare map
    }
  } else {
    fail('must hold a JSON array of state messages');
  }
  return states;
}
