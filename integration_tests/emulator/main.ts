/**
 * CLI: `node dist/integration_tests/emulator/main.js [--port N] [--https] [--seed N] [--latency-ms N]
 * [--error-rate X] [--counts Account=N,Contact=M] [--max-batch-size N] [--long-text-chars N] [--bulk-polls N]
 * [--bulk-result-page-rows N] [--link-bytes-per-second N --link-rtt-ms N] [--no-gzip] [--clock-ahead-ms N]
 * [--auth client_credentials|refresh_token|jwt_bearer] [--rotate-refresh-tokens]`.
 * Prints one JSON line with the connection details, then serves until SIGINT/SIGTERM. Its `hostname`
 * is what the connector's config takes for the mode it started in: `http://127.0.0.1:PORT` over
 * HTTP (the connector refuses plain http:// unless the scheme is written out, and only on loopback),
 * `localhost:PORT` over HTTPS, trusted through `caFile` (NODE_EXTRA_CA_CERTS). The fault and size
 * flags let a benchmark run the emulator in its own process, so its CPU does not skew the timing.
 * `--auth` prints a config for that login flow instead: a refresh token the emulator issued, or a
 * freshly made private key whose certificate the emulator's app holds.
 */
import { DEFAULT_CLIENT, startEmulator, type EmulatorOptions } from './emulator.js';
import { jwtKeys } from './jwt-keys.js';
import { EMULATOR_USERNAME } from './oauth.js';
import { SOBJECT_NAMES, type SObjectName } from './field-catalog.js';

const USAGE =
  'usage: main.js [--port N] [--https] [--seed N] [--latency-ms N] [--error-rate X] [--counts Account=N,Contact=M] [--max-batch-size N] ' +
  '[--long-text-chars N] [--bulk-polls N] [--bulk-result-page-rows N] [--link-bytes-per-second N --link-rtt-ms N] [--no-gzip] [--clock-ahead-ms N] [--auth client_credentials|refresh_token|jwt_bearer] [--rotate-refresh-tokens]';
const FLOWS = ['client_credentials', 'refresh_token', 'jwt_bearer'] as const;
type Flow = (typeof FLOWS)[number];

interface CliOptions extends EmulatorOptions {
  auth: Flow;
  rotate: boolean;
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
  const out: CliOptions = { https: false, auth: 'client_credentials', rotate: false };
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
    if (flag === '--port') out.port = int();
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
    else if (flag === '--clock-ahead-ms') {
      const v = raw();
      if (!/^-?\d+$/.test(v)) throw new Error(`${flag} needs an integer number of milliseconds (negative: the org's clock is behind)`);
      out.clockAheadMs = Number(v);
    } else if (flag === '--counts') out.counts = parseCounts(raw());
    else if (flag === '--rotate-refresh-tokens') out.rotate = true;
    else if (flag === '--auth') {
      const v = raw();
      if (!(FLOWS as readonly string[]).includes(v)) throw new Error(`--auth needs one of ${FLOWS.join(', ')}, got '${v}'`);
      out.auth = v as Flow;
    } else if (flag === '--error-rate') {
      const v = raw();
      const rate = Number(v);
      if (!/^\d*\.?\d+$/.test(v) || rate > 1) throw new Error(`--error-rate needs a fraction between 0 and 1, got '${v}'`);
      faults.errorRate = rate;
    } else throw new Error(`unknown argument: ${arg} (${USAGE})`);
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
  process.stdout.write(
    JSON.stringify({
      url: emulator.url,
      hostname,
      caFile: emulator.caFile ?? null,
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      // Ready to save as the connector's config.json.
      config: { hostname, credentials: credentials[args.auth]() },
    }) + '\n',
  );
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`salesforce emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
