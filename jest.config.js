// Jest runs the JavaScript that tsc compiled into dist/ (native ESM), so TypeScript is compiled once
// by the same compiler as production, with no ts-jest transform in between.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist'],
  testMatch: ['**/*.test.js'],
  transform: {},
  testTimeout: 60000,
  // One more worker than the two cores CI has: suites spend part of their time waiting (retry pauses,
  // child processes starting, a reader made to lag), and a third worker fills those gaps (measured:
  // jest 55 s with two workers, 39-41 s with three, on an idle 2-core machine).
  maxWorkers: 3,
};
