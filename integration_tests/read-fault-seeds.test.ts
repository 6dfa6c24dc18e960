/**
 * Issue 10's bar: a read of all six objects under mixed faults (outages, gateway errors, rate limits,
 * resets, answers cut off in transit, sessions expiring every 20 requests) ends with exit 0 and every record delivered, through
 * REST and through Bulk. The seed decides which requests fault, and the faults take the kinds in
 * turn, so every read meets every kind (the test checks it, read by read): two seeds per API each
 * exercise all of them, where forty reads of random kinds mostly repeated the same few paths.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { idsOf, runConnector, withFields, type Message } from './helpers/connector-runner.js';
import { startDiscoveredOrg, type TestOrg } from './helpers/org.js';
import type { FaultKind } from './emulator/faults.js';

const OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'] as const;
const SEEDS = [1, 2];
// Issue 10 asked for 5 %; at 25 % a read of this org (some 30 REST pages, or six Bulk jobs) meets every
// kind at least once: what a read meets, not how long it is, is the point, and requests are the cost.
const ERROR_RATE = 0.25;
// A call retried through a dense stretch of the seed's draws would otherwise meet faults until its
// six attempts are spent, and which call does depends on how the streams interleave (one in a dozen
// runs): real transient faults pass, so one request faults at most three times in a row.
const MAX_FAULTS_IN_A_ROW = 3;
// Every kind the emulator injects.
const KINDS: FaultKind[] = ['server_unavailable', 'unknown_exception', 'bad_gateway', 'rate_limited', 'reset', 'truncated', 'cut_mid_stream'];
// Enough requests per read for a session to expire (over 20: five pages per object, two polls per
// Bulk job), spread evenly so that the streams, read side by side, finish together.
const ORG = { maxBatchSize: 20, bulkPollsBeforeComplete: 2, counts: { Account: 100, Contact: 100, Lead: 100, Opportunity: 100, Case: 100 } };

let org: TestOrg;
let catalog: Message;
beforeAll(async () => {
  const started = await startDiscoveredOrg(ORG);
  org = started.org;
  // The point is what arrives, not how fields are typed: a few fields keep the reads cheap.
  catalog = withFields(started.catalog, ['Id', 'SystemModstamp', 'IsDeleted', 'CreatedDate']);
});
afterAll(async () => org.emulator.close());

describe.each(['rest', 'bulk'])('a read through %s under 25% mixed faults', (readApi) => {
  it.each(SEEDS)('meets every kind of fault and still delivers every record with fault seed %i', async (seed) => {
    // Reads change nothing in the org, so one org serves every seed; each seed restarts the draws.
    const before = org.emulator.faultsInjected;
    org.emulator.setFaults({ errorRate: ERROR_RATE, kinds: KINDS, kindsInTurn: true, maxFaultsInARow: MAX_FAULTS_IN_A_ROW, sessionExpiresEvery: 20, seed });
    const result = await runConnector('read', {
      config: { ...org.config, read_api: readApi },
      catalog,
      env: { ...org.env, SOURCE_SALESFORCE_BULK_FIRST_POLL_MS: '1' },
    });
    const injected: Record<string, number> = {};
    for (const [kind, count] of Object.entries(org.emulator.faultsInjected)) injected[kind] = count - (before[kind] ?? 0);
    expect({ exitCode: result.exitCode, errors: result.errors.map((e) => e.trace.error.message) }).toEqual({ exitCode: 0, errors: [] });
    for (const object of OBJECTS) {
      const delivered = new Set(idsOf(result.recordsOf(object)));
      const missing = idsOf(org.emulator.records(object, { includeDeleted: true })).filter((id) => !delivered.has(id));
      expect({ object, missing }).toEqual({ object, missing: [] });
    }
    // Guards the test itself: a read that met no fault of some kind would prove nothing about it.
    const unmet = [...KINDS, 'session_expired'].filter((kind) => !((injected[kind] ?? 0) > 0));
    expect({ seed, unmet, injected }).toEqual({ seed, unmet: [], injected });
  });
});
