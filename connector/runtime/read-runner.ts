/**
 * `read` as the protocol wants it, for any source: the configured streams, up to `workers` at a
 * time, each with its STARTED, RUNNING and COMPLETE or INCOMPLETE status. A stream that fails gets
 * its own ERROR trace while the others go on; the sync then ends with one summary error so it never
 * looks successful. A stop that concerns every stream (isStop) skips the streams not yet started.
 */
import type { ConfiguredStream } from './configured-catalog.js';
import { ConfigError, SystemError, TransientError, type ConnectorError } from './errors.js';
import { errorTraceMessage, streamStatusMessage } from './messages.js';
import { ProgressDisplay } from './progress.js';
import type { ReadSession } from './source.js';
import { StreamWriter } from './stream-writer.js';
import type { ProtocolWriter } from './writer.js';

interface Failure {
  stream: string;
  error: ConnectorError;
}

export async function runRead(writer: ProtocolWriter, session: ReadSession, streams: readonly ConfiguredStream[], workers: number): Promise<void> {
  await session.start();
  const progress = ProgressDisplay.forTerminal();
  const failures: Failure[] = [];
  const records = new Map<string, number>();
  const queue = [...streams];
  // Streams whose STARTED is out and whose end is not: if the output is stopped (a signal, an
  // escaped failure) each ends INCOMPLETE there, after its last STATE. A stream that was done has
  // its COMPLETE out already; one never started gets nothing, as it never began. Each change to
  // this set happens in the same turn as the status line it stands for is handed to the writer.
  const open = new Set<string>();
  writer.setClosing(() => [...open].map((name) => streamStatusMessage(name, 'INCOMPLETE')));
  const end = (name: string, status: 'COMPLETE' | 'INCOMPLETE') => {
    open.delete(name);
    return writer.write(streamStatusMessage(name, status));
  };

  const readOne = async (stream: ConfiguredStream): Promise<void> => {
    if (session.stopped) {
      await writer.write(streamStatusMessage(stream.name, 'INCOMPLETE'));
      return;
    }
    open.add(stream.name);
    await writer.write(streamStatusMessage(stream.name, 'STARTED'));
    const sink = new StreamWriter(writer, stream.name, progress);
    try {
      await session.read(stream, sink);
      records.set(stream.name, sink.records);
      progress?.update(stream.name, { done: true });
      await end(stream.name, 'COMPLETE');
    } catch (caught) {
      const error = session.describe(caught);
      if (!session.isStop(error)) {
        failures.push({ stream: stream.name, error });
        await writer.write(
          errorTraceMessage({
            message: `${stream.name}: ${error.message}`,
            failureType: error.failureType,
            internalMessage: error.internalMessage,
            // The stack helps with our bugs and the network's; a config_error is fixed from the message.
            stackTrace: error.failureType !== 'config_error' && caught instanceof Error ? caught.stack : undefined,
            stream: stream.name,
          }),
        );
      }
      await end(stream.name, 'INCOMPLETE');
    }
  };
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await readOne(next);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, streams.length)) }, worker));

  await session.finish(records);
  if (failures.length) throw summarize(failures, streams.length);
}

function summarize(failures: Failure[], total: number): ConnectorError {
  const names = failures.map((f) => f.stream).join(', ');
  const message = `${failures.length} of ${total} streams did not finish (${names}); the others synced, and each failed stream's error above says what to do.`;
  const internalMessage = failures.map((f) => `${f.stream}: ${f.error.internalMessage ?? f.error.message}`).join(' | ');
  const types = new Set(failures.map((f) => f.error.failureType));
  if (types.has('system_error')) return new SystemError(message, { internalMessage });
  if (types.has('transient_error')) return new TransientError(message, { internalMessage });
  return new ConfigError(message, { internalMessage });
}
