/**
 * Every default in one place. spec.json states the same values for the platform's form; a test
 * (defaults.test.ts) keeps the two equal.
 */
import { DEFAULT_OBJECTS } from './objects.js';

export const DEFAULTS = {
  objects: DEFAULT_OBJECTS,
  readApi: 'auto',
  numWorkers: 6,
  apiBudgetPercent: 80,
  /** records per REST page and per Bulk page handed on: Salesforce's largest REST batch */
  pageRecords: 2000,
} as const;
