/**
 * How long the property-based suites run. `npm test` runs each property a bounded number of times
 * from a fixed seed, so a failure shows again on the next run; `npm run fuzz` sets FUZZ=1 and runs
 * them much longer (FUZZ_RUNS cases, or as many as fit in FUZZ_SECONDS, from FUZZ_SEED or a fresh
 * seed it prints; 100,000 cases by default), saying how many cases each property ran:
 * `FUZZ_SECONDS=600 npm run fuzz`. `npm run test:fast` (TEST_LANE=fast) runs the first quarter of
 * `npm test`'s cases, from the same seed: the inner loop's check, with the whole count left to CI.
 */
import fc from 'fast-check';

const FIXED_SEED = 22;
/** cases per property in `npm run fuzz` when neither FUZZ_RUNS nor FUZZ_SECONDS says */
const FUZZ_RUNS = 100_000;
/** the share of `defaultRuns` the fast lane runs */
const FAST_LANE_SHARE = 0.25;

/** Runs `property` and throws fast-check's report (counterexample, seed, path) when it fails. */
export async function runProperty<T>(name: string, property: fc.IAsyncProperty<T>, defaultRuns: number): Promise<void> {
  const fuzz = process.env.FUZZ === '1';
  const seconds = Number(process.env.FUZZ_SECONDS);
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : fuzz ? Date.now() % 2 ** 31 : FIXED_SEED;
  const laneRuns = process.env.TEST_LANE === 'fast' ? Math.ceil(defaultRuns * FAST_LANE_SHARE) : defaultRuns;
  const numRuns = Number(process.env.FUZZ_RUNS) || (fuzz ? (seconds > 0 ? Number.MAX_SAFE_INTEGER : FUZZ_RUNS) : laneRuns);
  const details = await fc.check(property, {
    seed,
    numRuns,
    ...(fuzz && seconds > 0 ? { interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false } : {}),
  });
  if (fuzz) process.stderr.write(`fuzz: ${name}: ${details.numRuns} cases, seed ${seed}, ${details.failed ? 'FAILED' : 'no difference'}\n`);
  if (!details.failed) return;
  const shown = ((details.counterexample as unknown[] | null) ?? [])
    .map((value) => (Buffer.isBuffer(value) ? `(latin1) ${JSON.stringify(value.toString('latin1'))}` : fc.stringify(value)))
    .join(', ');
  throw new Error(
    `${name}: ${(details.errorInstance as Error | undefined)?.message ?? 'failed'}\n` +
      `on ${shown.length > 3000 ? `${shown.slice(0, 3000)}… (${shown.length} characters)` : shown}\n` +
      `seed ${details.seed}, path ${details.counterexamplePath}`,
  );
}
