/**
 * The Salesforce side of `read`, as a session the runtime drives (runtime/read-runner.ts): saved
 * cursors checked (and repaired) before any call, one token for all streams, each stream read by
 * read-stream.ts, a spent API budget stopping every stream after its current page, each stream told
 * when Salesforce's limits hold it back (stream-waits.ts), and a final report of records, calls and
 * retries per stream.
 */
import type { ConfiguredStream } from '../../runtime/configured-catalog.js';
import type { ConnectorError } from '../../runtime/errors.js';
import type { StreamStates } from '../../runtime/input-state.js';
import type { Redactor } from '../../runtime/redactor.js';
import type { Log, PersistConfig, ReadSession, StreamSink } from '../../runtime/source.js';
import { SalesforceClient } from '../api/client.js';
import { describeFailure } from '../api/describe-failure.js';
import { QuotaReachedError } from '../api/quota.js';
import type { ResolvedConfig } from '../config/load-config.js';
import type { Settings } from '../settings.js';
import { LEGACY_CURSOR, readCursor, type CursorReading } from '../state/cursor.js';
import { FUTURE_SLACK_MS } from '../streams/page-order.js';
import { checkCursorChoice } from '../streams/read-plan.js';
import { readStream } from '../streams/read-stream.js';
import { requiredFields } from '../objects.js';
import { foreignStateKeys } from '../streams/state-keys.js';
import { RetryLog } from './retry-log.js';
import { StreamWaits } from './stream-waits.js';

export class SalesforceRead implements ReadSession {
  private readonly client: SalesforceClient;
  private readonly cursors = new Map<string, CursorReading>();
  private readonly waits = new StreamWaits();

  constructor(
    private readonly config: ResolvedConfig,
    private readonly streams: readonly ConfiguredStream[],
    private readonly states: StreamStates,
    private readonly log: Log,
    redactor: Redactor,
    settings: Settings,
    persistConfig?: PersistConfig,
  ) {
    const retryLog = new RetryLog(log);
    this.client = new SalesforceClient(
      config,
      redactor,
      settings,
      {
        onRetry: (event) => {
          retryLog.note(event);
          this.waits.onRetry(event);
        },
        onResume: this.waits.onResume,
      },
      persistConfig,
    );
  }

  async start(): Promise<void> {
    // Every stream's cursor is read (and repaired, if an older release saved a bad one) before any call.
    for (const { name } of this.streams) {
      const state = this.states.get(name);
      const reading = readCursor(state);
      const { cursor, repairedFrom, field } = reading;
      this.cursors.set(name, reading);
      const foreign = foreignStateKeys(state);
      if (foreign.length && !cursor) {
        const keys = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? ` and ${foreign.length - 5} more` : '');
        await this.log(
          'WARN',
          `${name}: the state holds ${keys}, which this source never writes (a state of another connector, or edited by hand), so ${name} is read from the start (${this.config.startDate ?? 'the whole history'}); pass a state this connector printed, or none.`,
        );
      }
      if (repairedFrom !== undefined) {
        const from = cursor ? `${cursor}, the newest change the state still lists` : (this.config.startDate ?? 'the beginning');
        await this.log(
          'WARN',
          `${name}: the state's ${field} ${JSON.stringify(repairedFrom)} is not a date-time (an earlier release could save one), so ${name} is read again from ${from}; records already delivered may arrive again.`,
        );
      }
      // Before any call, so on this machine's clock: only a warning, and its day of slack dwarfs any skew.
      if (cursor && Date.parse(cursor) > Date.now() + FUTURE_SLACK_MS) {
        await this.log(
          'WARN',
          `${name}: the state's ${field} ${cursor} is in the future, so nothing changed before then is read; remove that stream's state to read it again.`,
        );
      }
    }
    // The six are always keyed on SystemModstamp: a catalog naming another cursor fails before any call.
    for (const stream of this.streams) if (stream.syncMode === 'incremental' && requiredFields(stream.name).length) checkCursorChoice(stream, LEGACY_CURSOR);
    await this.client.tokens.current(); // wrong credentials fail the whole sync once, not once per stream
  }

  async read(stream: ConfiguredStream, sink: StreamSink): Promise<void> {
    const ctx = {
      client: this.client,
      sink,
      startDate: this.config.startDate,
      readApi: this.config.readApi,
      formulaRefreshHours: this.config.formulaRefreshHours,
    };
    this.waits.open(stream.name, sink);
    await this.client.connections.take();
    try {
      await readStream(ctx, stream, this.cursors.get(stream.name) ?? {}, this.states.get(stream.name));
    } finally {
      this.client.connections.give();
      this.waits.close(stream.name);
    }
  }

  describe(error: unknown): ConnectorError {
    return describeFailure(error);
  }

  isStop(error: ConnectorError): boolean {
    return error instanceof QuotaReachedError;
  }

  get stopped(): boolean {
    return this.client.quota.reached;
  }

  async finish(records: ReadonlyMap<string, number>): Promise<void> {
    const { client } = this;
    // A catalog that selects nothing is legal in the protocol; an empty list in the report would read as a bug.
    const perStream = !this.streams.length
      ? 'the catalog selects no streams'
      : this.streams
          .map(
            (s) =>
              `${s.name} ${records.get(s.name) ?? '-'} records/${client.callsByObject.get(s.name) ?? 0} calls/${client.retriesByObject.get(s.name) ?? 0} retries`,
          )
          .join(', ');
    const usage = client.orgUsage ? `; the org has used ${client.orgUsage.used} of ${client.orgUsage.max} daily API requests` : '';
    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    const inFlight = `; at most ${mib(client.budget.peak)} MiB of answers in flight (budget ${mib(client.budget.limit)} MiB)`;
    await this.log('INFO', `Read finished: ${perStream}; ${client.apiCalls} API calls and ${client.totalRetries} retries in all${usage}${inFlight}.`);
    if (client.quota.reached) throw client.quota.trip(false);
  }
}
