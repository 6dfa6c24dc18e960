// Jest runs the JavaScript that tsc compiled into dist/ (native ESM), so TypeScript is compiled once
// by the same compiler as production, with no ts-jest transform in between.
//
// Two lanes, chosen by the file's name, so a new test file lands in the right one without a list:
//  - `*.process.test.ts`: a test whose point is a process boundary (exit codes, signals, pipes,
//    stderr, the shebang's flags, a kill, a separate emulator process). Only these may start child
//    processes; integration_tests/test-lanes.test.ts fails when another test file imports
//    node:child_process or runs the CLI as a process, or when a `.process.` file starts none.
//  - every other `*.test.ts`, in connector/ or integration_tests/: in-process (the connector through
//    main(), the emulator over loopback HTTP). `npm run test:fast` runs these alone, for the inner loop.
// `npm test` (and CI) runs both.
const base = {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist'],
  transform: {},
  // Jest's runtime, with the CommonJS modules it loads into each test file built from V8's code
  // cache instead of compiled again (see the file).
  runtime: '<rootDir>/scripts/jest-code-cache.cjs',
};

export default {
  projects: [
    { ...base, displayName: 'in-process', testMatch: ['**/*.test.js'], testPathIgnorePatterns: ['\\.process\\.test\\.js$'] },
    { ...base, displayName: 'process', testMatch: ['**/*.process.test.js'] },
  ],
  testTimeout: 60000,
  // One more worker than the two cores CI has: suites spend part of their time waiting (retry pauses,
  // child processes starting, a reader made to lag), and a third worker fills those gaps.
  maxWorkers: 3,
};
