/**
 * Keeps the last STATE of each stream from a sequence of Airbyte messages (a read's output), which
 * is what the next read resumes from: a later STATE of a stream always covers everything an earlier
 * one did. Only the kept states are held, so a read output of any size passes through in little memory.
 */

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export class LatestStates {
  private readonly byStream = new Map<string, Json>();

  /** Takes one message; returns whether it was a STATE (anything else is left alone). */
  add(message: unknown): boolean {
    if (!isObject(message) || message.type !== 'STATE' || !isObject(message.state)) return false;
    this.byStream.set(streamKey(message.state), message.state);
    return true;
  }

  get size(): number {
    return this.byStream.size;
  }

  /** The kept state messages (the `state` of each STATE), in the order their streams first appeared. */
  states(): Json[] {
    return [...this.byStream.values()];
  }
}

/**
 * A STREAM state replaces the previous one of the same stream; a GLOBAL or LEGACY state stands for
 * every stream at once, so each replaces the previous one of its kind.
 */
function streamKey(state: Json): string {
  const stream = state.stream;
  if (state.type === 'STREAM' || (state.type === undefined && isObject(stream))) {
    const descriptor = isObject(stream) && isObject(stream.stream_descriptor) ? stream.stream_descriptor : {};
    return `STREAM ${JSON.stringify([descriptor.namespace ?? null, descriptor.name ?? null])}`;
  }
  return String(state.type ?? 'LEGACY');
}
