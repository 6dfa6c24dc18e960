/**
 * Formula fields change without the record's SystemModstamp moving. With formula_refresh_hours set,
 * an incremental stream with formula fields is re-read whole once that many hours have passed since
 * its last refresh; the time of the last refresh is in its state, which the tests set to control time.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { configuredCatalog, runConnector, stateFrom, type Message, type RunResult } from './helpers/connector-runner.js';
import { startOrg, type TestOrg } from './helpers/org.js';

const OBJECT = 'Policy__c';
const ROWS = 30;
let org: TestOrg | undefined;
afterEach(async () => {
  await org?.emulator.close();
  org = undefined;
});

async function policiesOrg(extraConfig: Record<string, unknown>): Promise<{ org: TestOrg; catalog: Message }> {
  org = await startOrg(
    {
      https: false,
      objects: ['Account'],
      customObjects: [{ name: OBJECT, fields: { Premium__c: 'currency' }, formulas: { Days_Open__c: 'int' } }],
      counts: { Account: 5, Contact: 5, Lead: 5, Opportunity: 5, Case: 5, User: 5, [OBJECT]: ROWS },
    },
    { objects: [OBJECT], ...extraConfig },
  );
  const discovered = await runConnector('discover', { config: org.config, env: org.env });
  return { org, catalog: configuredCatalog(discovered.catalog!, 'incremental') };
}

const policyState = (run: RunResult) => run.lastStateOf(OBJECT)!.state.stream.stream_state;
const bulkJobs = (o: TestOrg) => o.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs/query')).length;

function withRefreshedAt(run: RunResult, at: string | undefined): Message[] {
  const [state] = stateFrom(run.states);
  const { formula_refreshed_at: _old, ...rest } = state.stream.stream_state;
  return [{ ...state, stream: { ...state.stream, stream_state: at === undefined ? rest : { ...rest, formula_refreshed_at: at } } }];
}

describe('formula fields', () => {
  it('are described as such in the discovered schema', async () => {
    const { catalog } = await policiesOrg({});
    const properties = catalog.streams[0].stream.json_schema.properties;
    expect(properties.Days_Open__c.description).toMatch(/can change without the record's cursor .* formula_refresh_hours/);
    expect(properties.Premium__c.description).toBeUndefined();
  });

  it('are re-read with the whole stream on schedule, and not before', async () => {
    const { org, catalog } = await policiesOrg({ formula_refresh_hours: 24 });
    const first = await runConnector('read', { config: org.config, catalog, env: org.env });
    expect(first.exitCode).toBe(0);
    expect(first.recordsOf(OBJECT)).toHaveLength(ROWS);
    // A first run reads everything: that is a refresh, dated when it started.
    const firstRefresh = policyState(first).formula_refreshed_at;
    expect(Math.abs(Date.parse(firstRefresh) - Date.now())).toBeLessThan(60_000);

    const changed = String(org.emulator.records(OBJECT)[4].Id);
    org.emulator.recalculate(OBJECT, changed, { Days_Open__c: 4242 });

    // Not due: only what changed by its cursor (nothing) arrives; the formula keeps its old value downstream.
    const jobsBefore = bulkJobs(org);
    const early = await runConnector('read', { config: org.config, catalog, state: stateFrom(first.states), env: org.env });
    expect(early.exitCode).toBe(0);
    expect(early.recordsOf(OBJECT)).toEqual([]);
    expect(policyState(early).formula_refreshed_at).toBe(firstRefresh);
    expect(early.logs.some((l) => /for its formula fields/.test(l.log.message))).toBe(false);
    // Still not due 23 hours after the last refresh.
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    const notYet = await runConnector('read', { config: org.config, catalog, state: withRefreshedAt(first, hoursAgo(23)), env: org.env });
    expect(notYet.recordsOf(OBJECT)).toEqual([]);
    expect(bulkJobs(org)).toBe(jobsBefore);

    // Due: every record again, whole, through Bulk, with the new formula value; the cursor does not move back.
    const due = await runConnector('read', { config: org.config, catalog, state: withRefreshedAt(first, hoursAgo(25)), env: org.env });
    expect(due.exitCode).toBe(0);
    const records = due.recordsOf(OBJECT);
    expect(records).toHaveLength(ROWS);
    expect(new Set(records.map((r) => r.Id)).size).toBe(ROWS);
    expect(records.find((r) => r.Id === changed)!.Days_Open__c).toBe(4242);
    expect(Object.keys(records[0]).sort()).toEqual(Object.keys(first.recordsOf(OBJECT)[0]).sort());
    expect(bulkJobs(org)).toBe(jobsBefore + 1);
    const state = policyState(due);
    expect(state.SystemModstamp).toBe(policyState(first).SystemModstamp);
    // This run's start on the org's clock (org-clock.ts), which counts from whole-second Date headers: each run's
    // reading lags the org by up to a second, so a later run's start may read up to a second before an earlier one's.
    expect(Date.parse(state.formula_refreshed_at)).toBeGreaterThanOrEqual(Date.parse(firstRefresh) - 1000);
    expect(
      due.logs.filter((l) => /re-reading every record .* for its formula fields, because its last formula refresh started at/.test(l.log.message)),
    ).toHaveLength(1);

    // The refresh is recorded: the next run is not due again.
    const after = await runConnector('read', { config: org.config, catalog, state: stateFrom(due.states), env: org.env });
    expect(after.recordsOf(OBJECT)).toEqual([]);
  });

  it('are refreshed at once when the option is turned on for a stream read before', async () => {
    const { org, catalog } = await policiesOrg({});
    const first = await runConnector('read', { config: org.config, catalog, env: org.env });
    expect(policyState(first).formula_refreshed_at).toBeUndefined();
    const config = { ...org.config, formula_refresh_hours: 6, read_api: 'rest' };
    const jobsBefore = bulkJobs(org);
    const next = await runConnector('read', { config, catalog, state: stateFrom(first.states), env: org.env });
    expect(next.recordsOf(OBJECT)).toHaveLength(ROWS);
    expect(bulkJobs(org)).toBe(jobsBefore); // read_api rest is kept
    expect(next.logs.some((l) => /because no formula refresh is recorded in its state yet/.test(l.log.message))).toBe(true);
    expect(typeof policyState(next).formula_refreshed_at).toBe('string');
  });
});
