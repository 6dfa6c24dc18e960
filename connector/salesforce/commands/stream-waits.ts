/**
 * Tells each stream when the request policy makes it wait on Salesforce's limits, and when it goes
 * on: the policy reports retries per call (its context names the object), and the stream reading
 * that object hears of it through its sink. A call on no object (the token, which every stream
 * shares) holds back every stream being read. Outages are retried too but are not a limit: the
 * streams say nothing of them (the retry log does).
 */
import type { StreamSink } from '../../runtime/source.js';
import type { RetryEvent, WaitHooks } from '../api/request-policy.js';

export class StreamWaits implements WaitHooks {
  private readonly sinks = new Map<string, StreamSink>();

  /** `sink` hears of the waits of calls on `stream` until closed. */
  open(stream: string, sink: StreamSink): void {
    this.sinks.set(stream.toLowerCase(), sink);
  }

  close(stream: string): void {
    this.sinks.delete(stream.toLowerCase());
  }

  readonly onRetry = (event: RetryEvent): void => {
    if (!event.rateLimit) return;
    const until = event.rateLimit.until;
    for (const sink of this.held(event)) void sink.rateLimited(until);
  };

  readonly onResume = (event: RetryEvent): void => {
    if (!event.rateLimit) return;
    for (const sink of this.held(event)) void sink.resumed();
  };

  private held(event: RetryEvent): StreamSink[] {
    const object = event.context.object;
    if (object === undefined) return [...this.sinks.values()];
    const sink = this.sinks.get(object.toLowerCase());
    return sink ? [sink] : [];
  }
}
