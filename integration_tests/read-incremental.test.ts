import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configuredCatalog, runConnector, stateFrom, withFields, type Message, type RunResult, idsOf } from './helpers/connector-runner.js';
import { startOrg, type TestOrg } from './helpers/org.js';

// An eighth of the default org in pages of 25 rows, so Contact's tie group (all of its 100 records
// share one SystemModstamp) spans several pages, as the default org's 460 do in pages of 200. Over
// plain HTTP without gzip, which these reads are not about (read-full-refresh.test.ts reads over both).
// Resuming after a kill or a SIGTERM is in cli.process.test.ts.
const PAGE = 25;
const EIGHTH_ORG_COUNTS = { Account: 19, Contact: 100, Lead: 38, Opportunity: 32, Case: 38, User: 5 };
let org: TestOrg;
let catalog: Message;
let first: RunResult;

beforeAll(async () => {
  org = await startOrg({ maxBatchSize: PAGE, counts: EIGHTH_ORG_COUNTS, https: false, gzip: false });
  const discovered = await runConnector('discover', { config: org.config, env: org.env });
  catalog = configuredCatalog(discovered.catalog!, 'incremental');
  first = await runConnector('read', { config: org.config, catalog, env: org.env });
});
afterAll(() => org.emulator.close());

describe('incremental read', () => {
  it('delivers every record once, soft-deleted ones included with IsDeleted true', () => {
    expect(first.exitCode).toBe(0);
    for (const object of ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'] as const) {
      const ids = idsOf(first.recordsOf(object));
      const expected = idsOf(org.emulator.records(object, { includeDeleted: true }));
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...expected].sort());
    }
    expect(first.recordsOf('Contact').some((r) => r.IsDeleted === true)).toBe(true);
  });

  it('crosses a tie group larger than a page without skipping or repeating', () => {
    const stamps = new Map<string, number>();
    for (const r of first.recordsOf('Contact')) stamps.set(r.SystemModstamp, (stamps.get(r.SystemModstamp) ?? 0) + 1);
    expect(Math.max(...stamps.values())).toBeGreaterThan(2 * PAGE);
    const contacts = first.recordsOf('Contact');
    expect(first.states.filter((s) => s.state.stream.stream_descriptor.name === 'Contact').length).toBe(Math.ceil(contacts.length / PAGE));
  });

  it('reads a tie group stamped at start_date whole, on REST as on Bulk', async () => {
    // Every window starts at a stamp records may share (start_date, a split, the look-back): a lower
    // bound that left them out would lose the whole group here, Contact's records of one stamp.
    const contacts = first.recordsOf('Contact');
    const counts = new Map<string, number>();
    for (const r of contacts) counts.set(r.SystemModstamp, (counts.get(r.SystemModstamp) ?? 0) + 1);
    const [tie] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    const fromTie = idsOf(contacts.filter((r) => r.SystemModstamp >= tie)).sort();
    const contactOnly = withFields({ streams: catalog.streams.filter((s: Message) => s.stream.name === 'Contact') }, ['Id', 'SystemModstamp']);
    const bulkJobs = () => org.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs/query')).length;
    const jobsBefore = bulkJobs();
    for (const read_api of ['rest', 'bulk']) {
      const config = { ...org.config, read_api, start_date: tie };
      const result = await runConnector('read', { config, catalog: contactOnly, env: org.env });
      expect(result.exitCode).toBe(0);
      expect(idsOf(result.recordsOf('Contact')).sort()).toEqual(fromTie);
    }
    expect(bulkJobs()).toBe(jobsBefore + 1);
  });

  it('keeps per-stream state at the newest SystemModstamp delivered, with the versions inside the look-back window', () => {
    for (const object of ['Account', 'Contact'] as const) {
      const records = first.recordsOf(object);
      const newest = records
        .map((r) => r.SystemModstamp)
        .sort()
        .at(-1);
      const state = first.lastStateOf(object)!.state.stream.stream_state;
      expect(state.SystemModstamp).toBe(newest);
      const inWindow = records.filter((r) => Date.parse(r.SystemModstamp) >= Date.parse(newest) - 5 * 60 * 1000);
      expect(state.recently_delivered).toEqual(Object.fromEntries(inWindow.map((r) => [r.Id, r.SystemModstamp])));
    }
  });

  it('continues from its state: updates, inserts, soft deletes and late commits arrive, the rest does not', async () => {
    const accounts = org.emulator.records('Account');
    // First, so its SystemModstamp lands a minute before the cursor the first read saved.
    const late = org.emulator.lateCommit('Account', 60_000, { Name: 'Late Commit Inc' });
    expect(Date.parse(String(late.SystemModstamp).replace('+0000', 'Z'))).toBeLessThan(
      Date.parse(first.lastStateOf('Account')!.state.stream.stream_state.SystemModstamp),
    );
    const updated = org.emulator.update('Account', String(accounts[3].Id), { Name: 'Renamed Holdings' });
    const inserted = org.emulator.insert('Account', { Name: 'Brand New Ltd' });
    const deleted = org.emulator.softDelete('Account', String(accounts[7].Id));
    const second = await runConnector('read', { config: org.config, catalog, state: stateFrom(first.states), env: org.env });
    expect(second.exitCode).toBe(0);
    const got = new Map(second.recordsOf('Account').map((r) => [r.Id, r]));
    expect(got.get(updated.Id)?.Name).toBe('Renamed Holdings');
    expect(got.get(inserted.Id)?.Name).toBe('Brand New Ltd');
    expect(got.get(deleted.Id)?.IsDeleted).toBe(true);
    expect(got.get(late.Id)?.Name).toBe('Late Commit Inc');
    // The look-back window is read again, but the versions already delivered are not re-sent.
    expect([...got.keys()].sort()).toEqual([updated.Id, inserted.Id, deleted.Id, late.Id].map(String).sort());
    for (const object of ['Contact', 'Lead', 'Opportunity', 'Case', 'User'] as const) {
      expect({ object, records: second.recordsOf(object).length }).toEqual({ object, records: 0 });
      expect(second.lastStateOf(object)!.state.stream.stream_state.SystemModstamp).toBe(first.lastStateOf(object)!.state.stream.stream_state.SystemModstamp);
    }
    for (const object of ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User']) {
      expect(second.statusesOf(object)).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      expect(second.lastStateOf(object)).toBeDefined();
    }
  });

  it('resumes from any STATE it printed and delivers everything not yet delivered', async () => {
    const contactOnly = { streams: catalog.streams.filter((s: Message) => s.stream.name === 'Contact') };
    const run = await runConnector('read', { config: org.config, catalog: contactOnly, env: org.env });
    const all = new Set(idsOf(org.emulator.records('Contact', { includeDeleted: true })));
    const positions = run.messages.map((m, i) => (m.type === 'STATE' ? i : -1)).filter((i) => i >= 0);
    for (const position of positions) {
      const before = new Set(
        idsOf(
          run.messages
            .slice(0, position)
            .filter((m) => m.type === 'RECORD')
            .map((m) => m.record.data),
        ),
      );
      const resumed = await runConnector('read', { config: org.config, catalog: contactOnly, state: stateFrom([run.messages[position]]), env: org.env });
      const union = new Set([...before, ...idsOf(resumed.recordsOf('Contact'))]);
      expect([...all].filter((id) => !union.has(id))).toEqual([]);
    }
  });

  it('a state in the future yields no records and a STATE per stream', async () => {
    const future = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'].map((name) => ({
      type: 'STREAM',
      stream: { stream_descriptor: { name }, stream_state: { SystemModstamp: '2999-01-01T00:00:00.000Z' } },
    }));
    const result = await runConnector('read', { config: org.config, catalog, state: future, env: org.env });
    expect(result.exitCode).toBe(0);
    expect(result.records).toEqual([]);
    for (const s of future) {
      expect(result.lastStateOf(s.stream.stream_descriptor.name)!.state.stream.stream_state).toEqual({
        cursor_field: 'SystemModstamp',
        SystemModstamp: '2999-01-01T00:00:00.000Z',
        // A first incremental run reads deletions from when its read started (deleted-records.ts).
        deletions_through: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      });
    }
  });

  it("warns, naming the stream, before reading from the start a stream whose state is another connector's", async () => {
    const userOnly = { streams: catalog.streams.filter((s: Message) => s.stream.name === 'User') };
    const foreign = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'User' }, stream_state: { updated_at: '2024-05-01T00:00:00Z', page: 3 } } }];
    const result = await runConnector('read', { config: org.config, catalog: userOnly, state: foreign, env: org.env });
    expect(result.exitCode).toBe(0);
    const warnings = result.logs.filter((l) => l.log.level === 'WARN').map((l) => l.log.message as string);
    expect(warnings).toEqual([
      expect.stringMatching(/^User: the state holds updated_at, page, which this source never writes .* so User is read from the start \(the whole history\)/),
    ]);
    // Before the stream starts: the WARN comes ahead of User's first status.
    const warnAt = result.messages.findIndex((m) => m.type === 'LOG' && m.log.level === 'WARN');
    const startedAt = result.messages.findIndex((m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS');
    expect(warnAt).toBeLessThan(startedAt);
    expect(idsOf(result.recordsOf('User')).sort()).toEqual(idsOf(first.recordsOf('User')).sort());
    // The stream's own state, and none of the old keys, is what it leaves.
    expect(Object.keys(result.lastStateOf('User')!.state.stream.stream_state)).not.toContain('updated_at');
  });

  it('says nothing of a state this source wrote', async () => {
    const own = ['Account', 'User'].map((name) => first.lastStateOf(name)!.state);
    const accountAndUser = { streams: catalog.streams.filter((s: Message) => ['Account', 'User'].includes(s.stream.name)) };
    const result = await runConnector('read', { config: org.config, catalog: accountAndUser, state: own, env: org.env });
    expect(result.exitCode).toBe(0);
    expect(result.logs.filter((l) => l.log.level === 'WARN')).toEqual([]);
  });

  it('understands a legacy state object', async () => {
    const cursor = first.lastStateOf('User')!.state.stream.stream_state;
    const userOnly = { streams: catalog.streams.filter((s: Message) => s.stream.name === 'User') };
    const result = await runConnector('read', { config: org.config, catalog: userOnly, state: { User: cursor }, env: org.env });
    expect(result.exitCode).toBe(0);
    expect(result.recordsOf('User').length).toBeLessThan(first.recordsOf('User').length);
  });
});
