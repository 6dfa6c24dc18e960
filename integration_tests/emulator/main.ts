/**
 * CLI: `node dist/integration_tests/emulator/main.js [--port N] [--https] [--seed N]`.
 * Prints one JSON line with the connection details, then serves until SIGINT/SIGTERM.
 */
import { DEFAULT_CLIENT, startEmulator } from './emulator.js';

function parseArgs(argv: string[]): { port?: number; https: boolean; seed?: number } {
  const out: { port?: number; https: boolean; seed?: number } = { https: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || !/^\d+$/.test(v)) throw new Error(`${flag} needs a non-negative integer`);
      return Number(v);
    };
    if (flag === '--port') out.port = value();
    else if (flag === '--seed') out.seed = value();
    else if (flag === '--https') out.https = true;
    else throw new Error(`unknown argument: ${arg} (usage: main.js [--port N] [--https] [--seed N])`);
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const emulator = await startEmulator(args);
  process.stdout.write(
    JSON.stringify({
      url: emulator.url,
      hostname: emulator.hostname,
      caFile: emulator.caFile ?? null,
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
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
