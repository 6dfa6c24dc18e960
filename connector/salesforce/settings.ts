/**
 * Tunables that are not part of the user's config: how long to wait, how often to retry, how large
 * an answer may be. Production uses the defaults; tests and the benchmark pass their own values
 * through `main()` (or, for a child process, the environment variables read once by cli.ts).
 */
import { DEFAULT_STALL_MS } from '../runtime/writer.js';
import { BATCH_BYTES } from './bulk/csv-slicer.js';
import { DEFAULTS } from './config/defaults.js';

export interface Settings {
  /** Attempts of one call before its failure is reported (the first try included). */
  attempts: number;
  /** First pause between attempts; it doubles each time, up to maxRetryDelayMs. */
  baseRetryDelayMs: number;
  /** Longest pause between two attempts (a Retry-After from Salesforce may ask for more, see maxRetryAfterMs). */
  maxRetryDelayMs: number;
  /** Longest Retry-After honoured; a longer one fails the call instead of sleeping through the run. */
  maxRetryAfterMs: number;
  /** Time allowed to open a connection (TCP and TLS). */
  connectTimeoutMs: number;
  /** Time allowed from sending a request to its response headers (Salesforce runs a query before answering). */
  headersTimeoutMs: number;
  /** Longest silence while a body is being received and read. */
  idleTimeoutMs: number;
  /**
   * The floor on a body's transfer rate, against an answer that drips a byte now and then and so is
   * never idle: waiting time is cut into windows of slowBodyWindowMs, and one that brought some bytes
   * but fewer than slowBodyMinBytes ends the attempt, retried like a silence (guarded-body.ts).
   */
  slowBodyWindowMs: number;
  slowBodyMinBytes: number;
  /** Longest time one call may spend waiting on the server, headers and body together. */
  deadlineMs: number;
  /** Largest decompressed JSON answer accepted. */
  maxAnswerBytes: number;
  /** Largest single CSV record accepted in a Bulk result. */
  maxCsvRecordBytes: number;
  /** Bulk result bytes gathered before their rows are parsed and written; tests lower it so a cut page has written rows before the cut. */
  bulkCsvBatchBytes: number;
  /** First pause between Bulk job status polls; it doubles up to 20 s. */
  bulkFirstPollMs: number;
  /** A Bulk job still running after this long is given up, and its window split (or read through REST). */
  bulkJobMaxWaitMs: number;
  /**
   * Connections one Bulk job's result pages are downloaded through at once, when num_workers leaves
   * them free: five, as many as one Get Parallel Results answer lists, and what the default
   * num_workers (6) leaves beside the stream's own.
   */
  bulkDownloadsPerJob: number;
  /**
   * A Bulk job holding more records than this has its result pages downloaded through several
   * connections at once: a job of one page of records (2,000) needs none.
   */
  bulkParallelMinRecords: number;
  /** A window whose Bulk job failed is split in halves down to this width, then read through REST. */
  bulkMinWindowMs: number;
  /**
   * Above this many records in a window (the count its first REST page reports), `auto` reads the
   * window through Bulk instead: below it REST is faster, above it Bulk is, and takes fewer calls
   * (the benchmark's threshold scenario, docs/performance.md).
   */
  bulkThreshold: number;
  /**
   * A window read through REST (read_api rest, or an object Bulk refuses) holding more records than
   * this (its first page's totalSize) is read through several connections at once when num_workers
   * leaves some free (window-loop.ts): below it, the time saved is not worth the COUNT() calls that
   * divide it.
   */
  restParallelMinRecords: number;
  /**
   * Deletion records delivered between two checkpoints: one Get Deleted answer can list 600,000 ids,
   * and only the part that ends a window moves deletions_through (streams/deleted-records.ts).
   */
  deletionsPerCheckpoint: number;
  /** A token older than this is renewed before use (orgs can time sessions out after 15 minutes). */
  tokenMaxAgeMs: number;
  /**
   * Bytes of answers in flight across all streams of a read (pages fetched ahead or waiting for the
   * writer, Bulk rows gathered into pages). Parsed records take about twice their text in memory.
   */
  maxBytesInFlight: number;
  /** Longest query URL sent; wider queries select their fields in chunks. */
  maxUrlBytes: number;
  /**
   * How long stdout's reader may take nothing while output waits before it counts as gone (the
   * writer's stall rule, runtime/writer.ts); tests of a reader that stops set a short one.
   */
  outputStallMs: number;
  /** Extra CA certificates (PEM) to trust, for tests against a local https emulator. */
  extraCa?: string;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  attempts: 6,
  baseRetryDelayMs: 1000,
  maxRetryDelayMs: 30_000,
  maxRetryAfterMs: 10 * 60 * 1000,
  connectTimeoutMs: 30_000,
  headersTimeoutMs: 180_000,
  idleTimeoutMs: 120_000,
  // 8 KB in two minutes is 68 bytes a second: a link of a few KB/s moves forty times that, a drip of a byte a second
  // a sixtieth. A window as long as the idle timeout cuts nothing a silence would not have cut, only a crawl.
  slowBodyWindowMs: 120_000,
  slowBodyMinBytes: 8192,
  deadlineMs: 30 * 60 * 1000,
  maxAnswerBytes: 64 * 1024 * 1024,
  maxCsvRecordBytes: 8 * 1024 * 1024,
  bulkCsvBatchBytes: BATCH_BYTES,
  bulkFirstPollMs: 1000,
  bulkJobMaxWaitMs: 60 * 60 * 1000,
  bulkMinWindowMs: 60 * 60 * 1000,
  bulkDownloadsPerJob: 5,
  bulkParallelMinRecords: DEFAULTS.pageRecords,
  bulkThreshold: 20_000,
  restParallelMinRecords: 20_000,
  deletionsPerCheckpoint: 2_000,
  tokenMaxAgeMs: 10 * 60 * 1000,
  maxUrlBytes: 16_000,
  outputStallMs: DEFAULT_STALL_MS,
  // A third of it is a page: 2,000 records of some 50 fields (~3.5 MB) fit, so REST calls stay at one per 2,000 records.
  maxBytesInFlight: 12 * 1024 * 1024,
});

export function resolveSettings(overrides: Partial<Settings> = {}): Settings {
  const settings: Settings = { ...DEFAULT_SETTINGS };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  return settings;
}

/**
 * The environment variables a child-process test or the benchmark may set, each a number of the
 * setting of the same name (SOURCE_SALESFORCE_MAX_RETRY_DELAY_MS -> maxRetryDelayMs). Read once, by
 * cli.ts, never by the modules that use the values.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Partial<Settings> {
  const out: Partial<Settings> = {};
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    const name = `SOURCE_SALESFORCE_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    const value = Number(env[name]);
    if (env[name] !== undefined && Number.isFinite(value) && value > 0) (out as Record<string, number>)[key] = value;
  }
  return out;
}
