/**
 * Recorded error answers, served where Salesforce gives them, turned into the operator's message
 * and failure type: OAuth refusals, a dead session (401), a SOQL error that quotes the query with
 * a caret (400 INVALID_TYPE), and a Composite answer that is HTTP 200 with a failed subrequest inside.
 */
import { expect, it } from '@jest/globals';
import { configuredCatalog, runConnector, type Message, type RunResult } from '../helpers/connector-runner.js';
import { nativeImport } from '../helpers/native.js';
import { startReplayOrg } from './replay-org.js';
import type { RecordedAnswer, ReplayScript } from './replay-server.js';
import { realwireSuite } from './suite.js';

const { CUMULUSCI, cassetteCalls, recordedFile } = nativeImport<typeof import('./recordings.js')>(new URL('./recordings.js', import.meta.url));

const RESTFORCE = 'restforce__restforce/spec/fixtures';

/** The token endpoint answers its errors with 400 (the restforce fixtures keep only the body). */
const tokenRefusal = (file: string): RecordedAnswer => ({ status: 400, body: recordedFile(`${RESTFORCE}/${file}`) });

/** The Snowfakery query on an unknown object: 400, a message of several lines quoting the SOQL with a caret. */
function invalidTypeQuery(): RecordedAnswer {
  const call = cassetteCalls('SFDO-Tooling__Snowfakery/tests/cassettes/TestSOQLDatasets.test_soql_dataset_error.yaml').find((c) => c.status === 400)!;
  return { status: call.status, body: call.body };
}

/** CumulusCI's Composite answer: HTTP 200, its second subrequest 400 INVALID_TYPE. */
function failedSubrequest(): RecordedAnswer {
  const [call] = cassetteCalls(`${CUMULUSCI}/utils/salesforce/tests/cassettes/TestCountSObjects.test_count_sobjects__errors.yaml`);
  expect(call.status).toBe(200);
  const failed = JSON.parse(call.body).compositeResponse.find((p: Message) => p.httpStatusCode !== 200);
  return { status: failed.httpStatusCode, body: JSON.stringify(failed.body) };
}

/** Account's catalog, discovered once over the recorded org that answers as recorded. */
let accountCatalog: Promise<Message> | undefined;
async function discoverAccount(): Promise<Message> {
  const discovered = await startReplayOrg({}, { objects: ['Account'] });
  try {
    return (await runConnector('discover', { config: discovered.config, env: discovered.env })).catalog!;
  } finally {
    await discovered.server.close();
  }
}

async function run(command: 'check' | 'discover' | 'read', script: Partial<ReplayScript>, config: Record<string, unknown> = {}): Promise<RunResult> {
  const catalog = command === 'read' ? await (accountCatalog ??= discoverAccount()) : undefined;
  const org = await startReplayOrg(script, { objects: ['Account'], ...config });
  try {
    if (!catalog) return await runConnector(command, { config: org.config, env: org.env });
    return await runConnector('read', { config: org.config, catalog: configuredCatalog(catalog, 'full_refresh', ['Account']), env: org.env });
  } finally {
    await org.server.close();
  }
}

const failedCheck = (result: RunResult): string => {
  expect(result.connectionStatus!.connectionStatus.status).toBe('FAILED');
  return result.connectionStatus!.connectionStatus.message;
};

/** The first TRACE error: the one that says what failed (a read ends with a summary of the failed streams). */
const traceOf = (result: RunResult): Message => {
  expect(result.errors.length).toBeGreaterThan(0);
  return result.errors[0].trace.error;
};

realwireSuite('realwire: recorded error answers', () => {
  it('a Client Credentials login refused with "authentication failure" quotes Salesforce as sent and names the Run As user and the app', async () => {
    const result = await run('check', { token: tokenRefusal('auth_error_response.json') });
    expect(failedCheck(result)).toBe(
      'Salesforce refused to issue a token (authentication failure - Invalid Password); check that the Run As user is active and that the app allows the Client Credentials flow.',
    );
  });

  it('a refresh token refused as "expired access/refresh token" says to authorize again', async () => {
    const result = await run(
      'check',
      { token: tokenRefusal('refresh_error_response.json') },
      { auth_type: 'refresh_token', refresh_token: 'replay-refresh-token' },
    );
    expect(failedCheck(result)).toMatch(/^Salesforce no longer accepts the refresh_token, saying "expired access\/refresh token":/);
  });

  it('a session refused on every call (401 INVALID_SESSION_ID) is a config error about the user, after a fresh token', async () => {
    const expired = { status: 401, body: recordedFile(`${RESTFORCE}/expired_session_response.json`) };
    const result = await run('read', { everyDataCall: expired });
    const error = traceOf(result);
    expect(error.failure_type).toBe('config_error');
    expect(error.message).toBe(
      'Account: Salesforce rejects every fresh session token; check that the integration user is active, not frozen, and has the "API Enabled" permission.',
    );
  });

  it('a SOQL error quoting the query with a caret becomes one sentence naming the object, the quote kept internal', async () => {
    const recorded = invalidTypeQuery();
    expect(JSON.parse(recorded.body)[0].message).toMatch(/^\n.+\n +\^\nERROR at Row:1:Column:37\n/);
    const result = await run('read', { everyQuery: recorded });
    const error = traceOf(result);
    expect(error.failure_type).toBe('config_error');
    expect(error.message).toBe(
      "Account: The integration user cannot read Account; grant Read on Account in a permission set (whose licence matches the user's) and assign it to the user, or remove Account from the objects option.",
    );
    expect(error.message).not.toContain('\n');
    expect(error.internal_message).toContain("sObject type 'XYZZY' is not supported");
    expect(result.statusesOf('Account')).toContain('INCOMPLETE');
  });

  it('a Composite answer of HTTP 200 with a failed subrequest fails that object alone: named, it is a config error; in "*", it is left out and said', async () => {
    const failedDescribes = new Map([['Contact', failedSubrequest()]]);
    const named = await run('discover', { failedDescribes }, { objects: ['Account', 'Contact'] });
    const error = traceOf(named);
    expect(error.failure_type).toBe('config_error');
    expect(error.message).toMatch(/^The integration user cannot read Contact;/);

    // "*" over the smaller of the recorded orgs (110 objects): leaving one out is the same at any size, and the 1,294-object one is discover.test.ts's.
    const globalDescribe = cassetteCalls(`${CUMULUSCI}/tests/shared_cassettes/GET_sobjects_Global_describe.yaml`)[0].body;
    const every = await run('discover', { failedDescribes, globalDescribe }, { objects: ['*'] });
    expect(every.exitCode).toBe(0);
    const names = every.catalog!.catalog.streams.map((s: Message) => s.name);
    expect(names).toContain('Account');
    expect(names).not.toContain('Contact');
    const warned = every.logs.map((m) => m.log.message as string).find((m) => m.startsWith('Left out of "*" because Salesforce would not describe them'));
    expect(warned).toContain('Contact (The integration user cannot read Contact;');
  });
});
