// Jest runs the JavaScript that tsc compiled into dist/ (native ESM), so TypeScript is compiled once
// by the same compiler as production, with no ts-jest transform in between.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist'],
  testMatch: ['**/*.test.js'],
  transform: {},
  testTimeout: 60000,
  maxWorkers: 2,
};
