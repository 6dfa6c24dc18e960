/**
 * A read whose Bulk result pages download through several connections at once, killed at several
 * points (SIGKILL: nothing flushed, nothing cleaned up), then resumed from the last state it wrote.
 * Whatever the point, what the killed runs committed and the resumed run delivered together hold
 * every record (every version, for an incremental window), and no killed run's state claims a
 * record it had not written.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configuredCatalog, idsOf, runConnector, runConnectorProcess, stateFrom, type Message, type RunResult } from './helpers/connector-runner.js';
import { startOrg, type TestOrg } from './helpers/org.js';

const STREAM = 'Contact';

/** Records a killed run committed: those before its last STATE (the platform keeps no more). */
function committed(run: RunResult): Message[] {
  const last = run.states.at(-1);
  const out: Message[] = [];
  for (const m of run.messages) {
    if (m === last) break;
    if (m.type === 'RECORD' && m.record.stream === STREAM) out.push(m.record.data);
  }
  return last ? out : [];
}

/** A record version: its Id and its SystemModstamp as an instant (the org writes +0000, records carry Z). */
const version = (r: Message) => `${String(r.Id)}@${new Date(String(r.SystemModstamp).replace(/\+0000$/, 'Z')).toISOString()}`;

describe('a parallel Bulk read killed and resumed', () => {
  let org: TestOrg;
  let catalog: Message;
  let config: Record<string, unknown>;
  beforeAll(async () => {
    // Pages of 200 rows answered 20 ms late: several downloads are in flight at each kill. A job goes
    // parallel only above one page of the connector's (2,000 records), so the window holds a little
    // more. Plain HTTP: TLS is proven elsewhere, and here it only cost every process its handshakes.
    org = await startOrg({ https: false, counts: { [STREAM]: 2200 }, bulkResultPageRows: 200, faults: { latencyMs: 20 } });
    const discovered = await runConnector('discover', { config: org.config, env: org.env });
    catalog = configuredCatalog(discovered.catalog!, 'incremental', [STREAM]);
    config = { ...org.config, read_api: 'bulk', num_workers: 6 };
  });
  afterAll(() => org.emulator.close());

  it('loses nothing of a first sync killed at the start, the middle or near the end of its window', async () => {
    const all = idsOf(org.emulator.records(STREAM, { includeDeleted: true })).sort();
    // Three first syncs, independent of each other, each killed and resumed side by side with the
    // others. Records stay full width: the kills land where asked because a few lines fill the pipe
    // (narrow ones let the connector run a thousand lines ahead of its reader, past the window's end).
    const outcomes = await Promise.all(
      [100, 1100, 2000].map(async (killAfterLines) => {
        const killed = await runConnectorProcess('read', { config, catalog, env: org.env, killAfterLines });
        const resumed = await runConnector('read', { config, catalog, state: killed.states.length ? stateFrom(killed.states) : undefined, env: org.env });
        return { killAfterLines, killed, resumed };
      }),
    );
    for (const { killAfterLines, killed, resumed } of outcomes) {
      expect(killed.exitCode).not.toBe(0);
      // The window is one unit: no state written inside it claims any of it.
      for (const s of killed.states) expect(s.state.stream.stream_state.SystemModstamp).toBeUndefined();
      expect(resumed.exitCode).toBe(0);
      const union = new Set([...idsOf(committed(killed)), ...idsOf(resumed.recordsOf(STREAM))]);
      expect({ killAfterLines, missing: all.filter((id) => !union.has(id)) }).toEqual({ killAfterLines, missing: [] });
    }
  });

  it('loses no change of an incremental window killed twice in a row, each run resuming from the last state', async () => {
    const first = await runConnector('read', { config, catalog, env: org.env });
    expect(first.exitCode).toBe(0);
    const before = stateFrom(first.states);
    const cursor = String(first.lastStateOf(STREAM)!.state.stream.stream_state.SystemModstamp);
    // Every record changes after the sync: the next window holds all of them again, as new versions.
    for (const r of org.emulator.records(STREAM)) org.emulator.update(STREAM, String(r.Id), { Title: 'Changed' });
    const changed = org.emulator.records(STREAM).map(version).sort();

    const seen = new Set<string>();
    let state = before;
    for (const killAfterLines of [1200, 600]) {
      const killed = await runConnectorProcess('read', { config, catalog, state, env: org.env, killAfterLines });
      expect(killed.exitCode).not.toBe(0);
      for (const r of committed(killed)) seen.add(version(r));
      // Inside the window the state stays where it was before it: at the last complete sync's cursor.
      for (const s of killed.states) expect(s.state.stream.stream_state.SystemModstamp).toBe(cursor);
      if (killed.states.length) state = stateFrom(killed.states);
    }
    const last = await runConnector('read', { config, catalog, state, env: org.env });
    expect(last.exitCode).toBe(0);
    for (const r of last.recordsOf(STREAM)) seen.add(version(r));
    expect(changed.filter((v) => !seen.has(v))).toEqual([]);
    expect(org.emulator.requests.some((r) => r.path.endsWith('/resultPages'))).toBe(true);
  });
});
