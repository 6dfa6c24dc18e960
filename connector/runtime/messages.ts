/**
 * Builders for the Airbyte messages this connector prints. Types come from the official protocol
 * schema (generated/protocol.ts); these functions only make sure each envelope's `type` matches its
 * payload and that timestamps are filled in.
 */
import type {
  AirbyteMessage,
  AirbyteStateMessage,
  AirbyteStreamStatus,
  AirbyteStreamStatusReason,
  AirbyteCatalog,
  ConnectorSpecification,
} from '../../generated/protocol.js';
import type { FailureType } from './errors.js';

export type LogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';

export function streamStateMessage(stream: string, streamState: Record<string, unknown>, recordCount: number): AirbyteMessage {
  const state: AirbyteStateMessage = {
    type: 'STREAM',
    stream: { stream_descriptor: { name: stream }, stream_state: streamState },
    sourceStats: { recordCount },
  };
  return { type: 'STATE', state };
}

export function logMessage(level: LogLevel, message: string): AirbyteMessage {
  return { type: 'LOG', log: { level, message } };
}

export interface ErrorTraceInput {
  message: string;
  failureType: FailureType;
  internalMessage?: string;
  stackTrace?: string;
  stream?: string;
}

export function errorTraceMessage(input: ErrorTraceInput): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: Date.now(),
      error: {
        message: input.message,
        failure_type: input.failureType,
        ...(input.internalMessage ? { internal_message: input.internalMessage } : {}),
        ...(input.stackTrace ? { stack_trace: input.stackTrace } : {}),
        ...(input.stream ? { stream_descriptor: { name: input.stream } } : {}),
      },
    },
  };
}

export function streamStatusMessage(stream: string, status: AirbyteStreamStatus, reasons?: AirbyteStreamStatusReason[]): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: { name: stream }, status, ...(reasons ? { reasons } : {}) } },
  };
}

/**
 * RUNNING with the one RATE_LIMITED reason: how the protocol says a stream waits on its API (the
 * platform shows the stream as rate limited until a plain RUNNING or a record follows). `quotaReset`
 * is when the wait ends, in epoch ms, when known.
 */
export function rateLimitedStatusMessage(stream: string, quotaReset?: number): AirbyteMessage {
  const reason: AirbyteStreamStatusReason = {
    type: 'RATE_LIMITED',
    ...(quotaReset === undefined ? {} : { rate_limited: { quota_reset: Math.round(quotaReset) } }),
  };
  return streamStatusMessage(stream, 'RUNNING', [reason]);
}

export function estimateMessage(stream: string, rowEstimate: number): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: { type: 'ESTIMATE', emitted_at: Date.now(), estimate: { name: stream, type: 'STREAM', row_estimate: rowEstimate } },
  };
}

export function connectionStatusMessage(status: 'SUCCEEDED' | 'FAILED', message?: string): AirbyteMessage {
  return { type: 'CONNECTION_STATUS', connectionStatus: { status, ...(message ? { message } : {}) } };
}

export function specMessage(spec: ConnectorSpecification): AirbyteMessage {
  return { type: 'SPEC', spec };
}

/** The whole config the platform should store from now on (a rotated credential inside it). */
export function connectorConfigMessage(config: Record<string, unknown>): AirbyteMessage {
  return { type: 'CONTROL', control: { type: 'CONNECTOR_CONFIG', emitted_at: Date.now(), connectorConfig: { config } } };
}

export function catalogMessage(catalog: AirbyteCatalog): AirbyteMessage {
  return { type: 'CATALOG', catalog };
}
