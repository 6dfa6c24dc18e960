/**
 * The recorded org: a replay server (replay-server.ts) loaded with the recordings that answer what
 * the connector asks (recordings.ts), and the config that points the connector at it.
 */
import { nativeImport } from '../helpers/native.js';
import { CLIENT_ID, CLIENT_SECRET } from '../helpers/org.js';
import type { RecordedAnswer, ReplayScript, ReplayServer } from './replay-server.js';

const { CUMULUSCI, cassetteCalls, nangoAnswerText, recordedDescribe, recordedQuery } = nativeImport<typeof import('./recordings.js')>(
  new URL('./recordings.js', import.meta.url),
);
const { startReplayServer } = nativeImport<typeof import('./replay-server.js')>(new URL('./replay-server.js', import.meta.url));

/** The objects whose queries were recorded in the same org as the Account describe (Nango). */
export const RECORDED_TABLES = ['accounts', 'contacts', 'cases', 'opportunities'] as const;

/** A recorded 404 NOT_FOUND, as a Composite subrequest answered it. */
function recordedNotFound(): RecordedAnswer {
  const [call] = cassetteCalls(`${CUMULUSCI}/utils/http/tests/cassettes/TestCompositeParallelSalesforce.test_errors.yaml`);
  const [part] = JSON.parse(call.body).compositeResponse;
  return { status: part.httpStatusCode, body: JSON.stringify(part.body) };
}

/** A recorded answer to a query that found nothing. */
function recordedEmptyQuery(): string {
  const calls = cassetteCalls(`${CUMULUSCI}/core/tests/cassettes/TestDatasetsE2E.test_datasets_extract_standard_objects.yaml`);
  const empty = calls.find((c) => c.uri.includes('/query/') && /"totalSize" : 0,/.test(c.body));
  if (!empty) throw new Error('the recordings hold no empty query answer');
  return empty.body;
}

export function recordedScript(overrides: Partial<ReplayScript> = {}): ReplayScript {
  return {
    versions: nangoAnswerText('list-available-resources'),
    globalDescribe: nangoAnswerText('describe-global'),
    describes: { get: recordedDescribe },
    notFound: recordedNotFound(),
    emptyQuery: recordedEmptyQuery(),
    queries: RECORDED_TABLES.map((name) => recordedQuery(name)),
    ...overrides,
  };
}

export interface ReplayOrg {
  server: ReplayServer;
  config: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
}

export async function startReplayOrg(overrides: Partial<ReplayScript> = {}, extraConfig: Record<string, unknown> = {}): Promise<ReplayOrg> {
  const server = await startReplayServer(recordedScript(overrides));
  return {
    server,
    config: { hostname: server.hostname, client_id: CLIENT_ID, client_secret: CLIENT_SECRET, ...extraConfig },
    env: { SOURCE_SALESFORCE_MAX_RETRY_DELAY_MS: '10' },
  };
}
