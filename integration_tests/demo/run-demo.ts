/**
 * `npm run demo`: starts the bundled Salesforce emulator over HTTPS, then runs the connector the
 * way a platform would — spec, check, discover, a first incremental read, a few changes in the org,
 * and a second read from the saved state — and prints what each step produced.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { configuredCatalog, runConnectorProcess, stateFrom, type RunResult } from '../helpers/connector-runner.js';
import { startOrg } from '../helpers/org.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { changeSomeRecords, describeChanges } from '../emulator/demo-changes.js';

const OUT = path.join(REPO_ROOT, 'demo-output');

function save(name: string, value: unknown): string {
  const file = path.join(OUT, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2) + '\n');
  return path.relative(process.cwd(), file);
}

function saveMessages(name: string, result: RunResult): string {
  return save(name, result.messages.map((m) => JSON.stringify(m)).join('\n') + '\n');
}

function summary(result: RunResult): string {
  const streams = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'].filter((s) => result.statusesOf(s).length);
  const rows = streams.map((stream) => {
    const records = result.recordsOf(stream);
    const deleted = records.filter((r) => r.IsDeleted === true).length;
    const cursor = result.lastStateOf(stream)?.state.stream.stream_state.SystemModstamp ?? '-';
    return `  ${stream.padEnd(12)} ${String(records.length).padStart(6)} records ${String(deleted).padStart(4)} deleted   state ${cursor}   ${result.statusesOf(stream).at(-1)}`;
  });
  return rows.join('\n') || '  (no records)';
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const org = await startOrg();
  const { config, env } = org;
  try {
    console.log(`Salesforce emulator on ${org.emulator.url} (certificate trusted through NODE_EXTRA_CA_CERTS=${org.emulator.caFile})`);
    console.log(`config: ${save('config.json', config)}\n`);

    const spec = await runConnectorProcess('spec', { env });
    console.log(`spec      -> ${Object.keys(spec.spec!.spec.connectionSpecification.properties).join(', ')}   (${saveMessages('spec.jsonl', spec)})`);

    const check = await runConnectorProcess('check', { config, env });
    const status = check.connectionStatus!.connectionStatus;
    console.log(`check     -> ${status.status}: ${status.message}`);
    if (status.status !== 'SUCCEEDED') throw new Error('check failed');

    const discover = await runConnectorProcess('discover', { config, env });
    const streams = discover.catalog!.catalog.streams as { name: string; json_schema: { properties: object } }[];
    console.log(`discover  -> ${streams.map((s) => `${s.name} (${Object.keys(s.json_schema.properties).length} fields)`).join(', ')}`);
    const catalog = configuredCatalog(discover.catalog!, 'incremental');
    console.log(`             catalog: ${save('configured_catalog.json', catalog)}\n`);

    const first = await runConnectorProcess('read', { config, catalog, env });
    console.log(
      `read #1 (incremental, no state) exit ${first.exitCode}: ${first.records.length} records, ${first.states.length} STATE messages   (${saveMessages('read-1.jsonl', first)})`,
    );
    console.log(summary(first));
    const state = stateFrom(first.states);
    console.log(`             state: ${save('state.json', state)}\n`);

    // The same round of changes `npm run emulator` makes on request (Enter on its terminal, or SIGUSR2).
    console.log(`changed the org: ${describeChanges(changeSomeRecords(org.emulator))}`);

    const second = await runConnectorProcess('read', { config, catalog, state, env });
    console.log(`read #2 (from state) exit ${second.exitCode}: ${second.records.length} records   (${saveMessages('read-2.jsonl', second)})`);
    console.log(summary(second));
    console.log(`\nAPI: ${second.logs.at(-1)?.log.message}`);
    console.log(`Raw protocol messages are in ${path.relative(process.cwd(), OUT)}/.`);
    if (first.exitCode !== 0 || second.exitCode !== 0) throw new Error('a read failed');
  } finally {
    await org.emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
