import { describe, expect, it } from '@jest/globals';
import { loadSpec } from './load-config.js';
import { DEFAULTS } from './defaults.js';

describe('defaults', () => {
  it('are the ones spec.json shows the platform', () => {
    const properties = loadSpec().connectionSpecification.properties as Record<string, { default?: unknown }>;
    expect({
      objects: properties.objects.default,
      read_api: properties.read_api.default,
      num_workers: properties.num_workers.default,
      api_budget_percent: properties.api_budget_percent.default,
    }).toEqual({ objects: [...DEFAULTS.objects], read_api: DEFAULTS.readApi, num_workers: DEFAULTS.numWorkers, api_budget_percent: DEFAULTS.apiBudgetPercent });
  });
});
