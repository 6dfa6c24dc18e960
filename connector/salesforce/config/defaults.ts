/**
 * Every default in one place. spec.json states the same values for the platform's form; a test
 * (defaults.test.ts) keeps the two equal.
 */
/** The objects selected when the config names none, in the order streams are read and listed. */
export const DEFAULT_OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'] as const;

/** The config's `objects: ["*"]`: every object the org lets us replicate (see catalog/exclusions.ts). */
export const EVERY_OBJECT = '*';

export const DEFAULTS = {
  objects: DEFAULT_OBJECTS,
  readApi: 'auto',
  numWorkers: 6,
  apiBudgetPercent: 80,
  /** records per REST page and per Bulk page handed on: Salesforce's largest REST batch */
  pageRecords: 2000,
} as const;
