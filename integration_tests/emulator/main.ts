/**
 * CLI: `node dist/integration_tests/emulator/main.js [options]` (`npm run emulator -- [options]`;
 * `--help` lists them). Prints one JSON line with the connection details, then serves until
 * SIGINT/SIGTERM. Its `hostname` is what the connector's config takes for the mode it started in:
 * `http://127.0.0.1:PORT` over HTTP (the connector refuses plain http:// unless the scheme is written
 * out, and only on loopback), `localhost:PORT` over HTTPS, trusted through `caFile`
 * (NODE_EXTRA_CA_CERTS). The fault and size flags let a benchmark run the emulator in its own
 * process, so its CPU does not skew the timing. `--auth` prints a config for that login flow instead:
 * a refresh token the emulator issued, or a freshly made private key whose certificate the
 * emulator's app holds. `--config-file` also writes that config to a file a container can read.
 * A line on stdin (Enter on its terminal) or SIGUSR2 changes a few records of each object
 * (demo-changes.ts), so that a second, incremental read has something to deliver.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { changeSomeRecords, describeChanges } from './demo-changes.js';
import { DEFAULT_CLIENT, startEmulator, type Emulator, type EmulatorOptions } from './emulator.js';
import { jwtKeys } from './jwt-keys.js';
import { EMULATOR_USERNAME } from './oauth.js';
import { SOBJECT_NAMES, type SObjectName } from './field-catalog.js';

const USAGE = `usage: npm run emulator -- [options]   (or node dist/integration_tests/emulator/main.js [options])

A local Salesforce org for the connector, on 127.0.0.1 (and ::1). It prints one JSON line: url, hostname,
caFile, clientId, clientSecret, pid, and config (a ready config.json), then serves until Ctrl-C or SIGTERM.

  --port N                  listen on port N (default: any free port)
  --https                   serve HTTPS with a fresh certificate; trust its caFile with NODE_EXTRA_CA_CERTS
  --auth FLOW               print a config for client_credentials (default), refresh_token or jwt_bearer
  --rotate-refresh-tokens   answer each refresh with a new refresh token (with --auth refresh_token)
  --config-file PATH        also write that config to PATH (mode 0644, so a container's user can read it)
  --seed N                  the data's seed (default 42)
  --counts Object=N,...     rows per object (${SOBJECT_NAMES.join(', ')})
  --max-batch-size N        the largest REST page (default 2000)
  --long-text-chars N       fill every Description to N characters
  --bulk-polls N            Bulk job status polls answered InProgress before JobComplete
  --latency-ms N            added before every answer
  --error-rate X            that fraction (0 to 1) of data requests gets a transient fault
  --clock-ahead-ms N        the org's clock this many ms ahead of this machine's (negative: behind)
  --bulk-result-page-rows N rows per Bulk result page (default 50000)
  --no-bulk-result-pages    answer Get Parallel Results (resultPages) 404 NOT_FOUND, as an org without it
  --link-bytes-per-second N a WAN link in front of the org: each connection carries N bytes/s at most
  --link-rtt-ms N           and every byte takes this round trip (with --link-bytes-per-second)
  --no-gzip                 never gzip answers (a proxy that strips Accept-Encoding)
  -h, --help                print this and exit

While it runs, a line on its stdin (press Enter in its terminal) or SIGUSR2 (kill -USR2 PID) changes a few
records of each object (updates, an insert, a soft delete), as users would between two syncs: the next
incremental read from the saved state delivers them. What changed is printed on stderr.

From a container, the emulator on 127.0.0.1 is reachable with the host's network: docker run --network host
(podman likewise).`;
const FLOWS = ['client_credentials', 'refresh_token', 'jwt_bearer'] as const;
type Flow = (typeof FLOWS)[number];

interface CliOptions extends EmulatorOptions {
  auth: Flow;
  rotate: boolean;
  configFile?: string;
  help: boolean;
}

function parseCounts(text: string): Partial<Record<SObjectName, number>> {
  const counts: Partial<Record<SObjectName, number>> = {};
  for (const item of text.split(',').filter(Boolean)) {
    const m = /^(\w+)=(\d+)$/.exec(item.trim());
    const object = m ? SOBJECT_NAMES.find((o) => o.toLowerCase() === m[1].toLowerCase()) : undefined;
    if (!m || !object) throw new Error(`--counts: expected Object=N with Object one of ${SOBJECT_NAMES.join(', ')}, got '${item}'`);
    counts[object] = Number(m[2]);
  }
  return counts;
}

function parseArgs(argv: string[]): CliOptions {
  const out: CliOptions = { https: false, auth: 'client_credentials', rotate: false, help: false };
  const faults: NonNullable<EmulatorOptions['faults']> = {};
  const link: Partial<NonNullable<EmulatorOptions['link']>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const raw = () => {
      const v = eq < 0 ? argv[++i] : arg.slice(eq + 1);
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = () => {
      const v = raw();
      if (!/^\d+$/.test(v)) throw new Error(`${flag} needs a non-negative integer`);
      return Number(v);
    };
    if (flag === '--help' || flag === '-h') out.help = true;
    else if (flag === '--port') out.port = int();
    else if (flag === '--seed') out.seed = int();
    else if (flag === '--https') out.https = true;
    else if (flag === '--latency-ms') faults.latencyMs = int();
    else if (flag === '--max-batch-size') out.maxBatchSize = int();
    else if (flag === '--long-text-chars') out.longTextChars = int();
    else if (flag === '--bulk-polls') out.bulkPollsBeforeComplete = int();
    else if (flag === '--bulk-result-page-rows') out.bulkResultPageRows = int();
    else if (flag === '--link-bytes-per-second') link.bytesPerSecond = int();
    else if (flag === '--link-rtt-ms') link.rttMs = int();
    else if (flag === '--no-gzip') out.gzip = false;
    else if (flag === '--no-bulk-result-pages') out.bulkResultPages = false;
    else if (flag === '--clock-ahead-ms') {
      const v = raw();
      if (!/^-?\d+$/.test(v)) throw new Error(`${flag} needs an integer number of milliseconds (negative: the org's clock is behind)`);
      out.clockAheadMs = Number(v);
    } else if (flag === '--counts') out.counts = parseCounts(raw());
    else if (flag === '--rotate-refresh-tokens') out.rotate = true;
    else if (flag === '--config-file') out.configFile = raw();
    else if (flag === '--auth') {
      const v = raw();
      if (!(FLOWS as readonly string[]).includes(v)) throw new Error(`--auth needs one of ${FLOWS.join(', ')}, got '${v}'`);
      out.auth = v as Flow;
    } else if (flag === '--error-rate') {
      const v = raw();
      const rate = Number(v);
      if (!/^\d*\.?\d+$/.test(v) || rate > 1) throw new Error(`--error-rate needs a fraction between 0 and 1, got '${v}'`);
      faults.errorRate = rate;
    } else throw new Error(`unknown argument: ${arg}; --help lists the options`);
  }
  if (Object.keys(faults).length) out.faults = faults;
  if (link.bytesPerSecond !== undefined || link.rttMs !== undefined) {
    if (!link.bytesPerSecond) throw new Error('--link-rtt-ms needs --link-bytes-per-second (a positive number of bytes per second)');
    out.link = { bytesPerSecond: link.bytesPerSecond, rttMs: link.rttMs ?? 0 };
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const keys = args.auth === 'jwt_bearer' ? await jwtKeys() : undefined;
  const client = { ...DEFAULT_CLIENT, rotateRefreshTokens: args.rotate, certificate: keys?.certificate };
  const emulator = await startEmulator({ ...args, clients: [client] });
  const hostname = args.https ? emulator.hostname : emulator.url;
  const credentials: Record<Flow, () => Record<string, string>> = {
    client_credentials: () => ({ auth_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }),
    refresh_token: () => ({
      auth_type: 'refresh_token',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      refresh_token: emulator.issueRefreshToken(),
    }),
    jwt_bearer: () => ({ auth_type: 'jwt_bearer', client_id: client.clientId, username: EMULATOR_USERNAME, private_key: keys!.privateKey }),
  };
  const config = { hostname, credentials: credentials[args.auth]() };
  // The emulator's own demo credentials: readable by the image's unprivileged user on purpose.
  if (args.configFile) {
    writeFileSync(args.configFile, JSON.stringify(config, null, 2) + '\n');
    chmodSync(args.configFile, 0o644); // whatever the umask (the README's 077 included)
  }
  process.stdout.write(
    JSON.stringify({
      url: emulator.url,
      hostname,
      caFile: emulator.caFile ?? null,
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      pid: process.pid,
      // Ready to save as the connector's config.json.
      config,
    }) + '\n',
  );
  changesOnRequest(emulator);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Each line on stdin, and each SIGUSR2, makes one round of changes and says what changed on stderr. */
function changesOnRequest(emulator: Emulator): void {
  let round = 0;
  const change = () => {
    const changes = changeSomeRecords(emulator, ++round);
    process.stderr.write(`salesforce emulator: changes round ${round}: ${describeChanges(changes)}; an incremental read from the last state delivers them.\n`);
  };
  process.on('SIGUSR2', change);
  // A closed or empty stdin (a service, a pipe from /dev/null) simply ends the lines.
  createInterface({ input: process.stdin }).on('line', change);
}

main().catch((err: unknown) => {
  process.stderr.write(`salesforce emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
