/**
 * `read`: reads each configured stream in turn. A stream that fails (a permission revoked since
 * discover, an outage that outlasts the retries) is marked INCOMPLETE with its own ERROR trace and
 * the others still run; the sync then ends with one summary error so it never looks successful.
 */
import type { ConfiguredStream } from '../catalog/configured-catalog.js';
import type { ResolvedConfig } from '../config/load-config.js';
import { ConfigError, SystemError, TransientError, asConnectorError, type ConnectorError } from '../errors.js';
import { errorTraceMessage, streamStatusMessage } from '../protocol/messages.js';
import type { ProtocolWriter } from '../protocol/writer.js';
import { SalesforceClient } from '../salesforce/client.js';
import { readCursor } from '../state/cursor.js';
import type { StreamStates } from '../state/input-state.js';
import { readStream } from '../streams/read-stream.js';

export interface ReadInput {
  config: ResolvedConfig;
  streams: ConfiguredStream[];
  states: StreamStates;
  statePath: string;
}

export async function runRead(input: ReadInput, writer: ProtocolWriter): Promise<void> {
  const { config, streams, states, statePath } = input;
  // Validate every stream's state before reading anything, so a bad state file fails cleanly.
  const cursors = new Map(streams.map((s) => [s.name, readCursor(states.get(s.name), s.name, statePath)]));
  const client = new SalesforceClient(config, writer.redactor);
  await client.tokens.current(); // wrong credentials fail the whole sync once, not once per stream

  const failures: { stream: string; error: ConnectorError }[] = [];
  const counts: string[] = [];
  for (const stream of streams) {
    await writer.write(streamStatusMessage(stream.name, 'STARTED'));
    try {
      const result = await readStream({ client, writer, startDate: config.startDate }, stream, cursors.get(stream.name));
      counts.push(`${stream.name} ${result.records}`);
      await writer.write(streamStatusMessage(stream.name, 'COMPLETE'));
    } catch (caught) {
      const error = asConnectorError(caught);
      failures.push({ stream: stream.name, error });
      await writer.write(
        errorTraceMessage({
          message: `${stream.name}: ${error.message}`,
          failureType: error.failureType,
          internalMessage: error.internalMessage,
          stackTrace: (caught as Error)?.stack,
          stream: stream.name,
        }),
      );
      await writer.write(streamStatusMessage(stream.name, 'INCOMPLETE'));
    }
  }
  const usage = client.orgUsage ? `; the org has used ${client.orgUsage.used} of ${client.orgUsage.max} daily API requests` : '';
  await writer.log('INFO', `Read finished: records ${counts.join(', ') || 'none'}; ${client.apiCalls} API calls${usage}.`);
  if (failures.length) throw summarize(failures, streams.length);
}

function summarize(failures: { stream: string; error: ConnectorError }[], total: number): ConnectorError {
  const names = failures.map((f) => f.stream).join(', ');
  const message = `${failures.length} of ${total} streams did not finish (${names}); the others synced, and each failed stream's error above says what to do.`;
  const internalMessage = failures.map((f) => `${f.stream}: ${f.error.internalMessage ?? f.error.message}`).join(' | ');
  const types = new Set(failures.map((f) => f.error.failureType));
  if (types.has('system_error')) return new SystemError(message, { internalMessage });
  if (types.has('transient_error')) return new TransientError(message, { internalMessage });
  return new ConfigError(message, { internalMessage });
}
