/**
 * `read`: reads the configured streams, up to num_workers at a time. A stream that fails (a
 * permission revoked since discover, an outage that outlasts the retries) is marked INCOMPLETE with
 * its own ERROR trace while the others go on; the sync then ends with one summary error so it never
 * looks successful. Once the API budget is spent every stream stops after its current page.
 */
import type { ConfiguredStream } from '../../runtime/configured-catalog.js';
import type { ResolvedConfig } from '../config/load-config.js';
import { ConfigError, SystemError, TransientError, type ConnectorError } from '../../runtime/errors.js';
import { ProgressDisplay } from '../../runtime/progress.js';
import { errorTraceMessage, streamStatusMessage } from '../../runtime/messages.js';
import type { ProtocolWriter } from '../../runtime/writer.js';
import { SalesforceClient } from '../api/client.js';
import type { Settings } from '../settings.js';
import { describeFailure } from '../api/describe-failure.js';
import { RetryLog } from './retry-log.js';
import { QuotaReachedError } from '../api/quota.js';
import { readCursor } from '../state/cursor.js';
import type { StreamStates } from '../../runtime/input-state.js';
import { readStream } from '../streams/read-stream.js';

export interface ReadInput {
  config: ResolvedConfig;
  streams: ConfiguredStream[];
  states: StreamStates;
}

interface Failure {
  stream: string;
  error: ConnectorError;
}

export async function runRead(input: ReadInput, writer: ProtocolWriter, settings: Settings): Promise<void> {
  const { config, streams, states } = input;
  // Every stream's cursor is read (and repaired, if an older release saved a bad one) before any call.
  const cursors = new Map<string, string | undefined>();
  for (const { name } of streams) {
    const { cursor, repairedFrom } = readCursor(states.get(name));
    cursors.set(name, cursor);
    if (repairedFrom !== undefined) {
      await writer.log(
        'WARN',
        `${name}: the state's SystemModstamp ${JSON.stringify(repairedFrom)} is not a date-time (an earlier release could save one), so ${name} is read again from ${cursor ? `${cursor}, the newest change the state still lists` : (config.startDate ?? 'the beginning')}; records already delivered may arrive again.`,
      );
    }
  }
  for (const [stream, cursor] of cursors) {
    if (cursor && Date.parse(cursor) > Date.now() + 24 * 60 * 60 * 1000) {
      await writer.log('WARN', `${stream}: the state's SystemModstamp ${cursor} is in the future, so nothing changed before then is read; remove that stream's state to read it again.`);
    }
  }
  const client = new SalesforceClient(config, writer.redactor, settings, new RetryLog(writer).note);
  await client.tokens.current(); // wrong credentials fail the whole sync once, not once per stream

  const progress = ProgressDisplay.forTerminal();
  const failures: Failure[] = [];
  const counts = new Map<string, number>();
  const queue = [...streams];

  const readOne = async (stream: ConfiguredStream): Promise<void> => {
    if (client.quota.reached) {
      await writer.write(streamStatusMessage(stream.name, 'INCOMPLETE'));
      return;
    }
    await writer.write(streamStatusMessage(stream.name, 'STARTED'));
    try {
      const ctx = { client, writer, startDate: config.startDate, progress, readApi: config.readApi };
      const result = await readStream(ctx, stream, cursors.get(stream.name), states.get(stream.name));
      counts.set(stream.name, result.records);
      progress?.update(stream.name, { done: true });
      await writer.write(streamStatusMessage(stream.name, 'COMPLETE'));
    } catch (caught) {
      const error = describeFailure(caught);
      if (!(error instanceof QuotaReachedError)) {
        failures.push({ stream: stream.name, error });
        await writer.write(
          errorTraceMessage({
            message: `${stream.name}: ${error.message}`,
            failureType: error.failureType,
            internalMessage: error.internalMessage,
            stackTrace: caught instanceof Error ? caught.stack : undefined,
            stream: stream.name,
          }),
        );
      }
      await writer.write(streamStatusMessage(stream.name, 'INCOMPLETE'));
    }
  };
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await readOne(next);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(config.numWorkers, streams.length)) }, worker));

  await writer.log('INFO', finalReport(streams, counts, client));
  if (client.quota.reached) throw client.quota.trip(false);
  if (failures.length) throw summarize(failures, streams.length);
}

function finalReport(streams: ConfiguredStream[], counts: Map<string, number>, client: SalesforceClient): string {
  const perStream = streams
    .map((s) => `${s.name} ${counts.get(s.name) ?? '-'} records/${client.callsByObject.get(s.name) ?? 0} calls/${client.retriesByObject.get(s.name) ?? 0} retries`)
    .join(', ');
  const usage = client.orgUsage ? `; the org has used ${client.orgUsage.used} of ${client.orgUsage.max} daily API requests` : '';
  return `Read finished: ${perStream}; ${client.apiCalls} API calls and ${client.totalRetries} retries in all${usage}.`;
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
