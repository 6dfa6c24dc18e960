import { describe, expect, it } from '@jest/globals';
import { runConnector } from './helpers/connector-runner.js';

const FORBIDDEN = ['not', 'anyOf', 'allOf', '$ref', 'patternProperties', 'prefixItems', 'if', 'then', 'else'];

function walk(node: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      visit(key, value);
      walk(value, visit);
    }
  }
}

describe('spec', () => {
  it('prints exactly one valid SPEC message and exits 0', async () => {
    const result = await runConnector('spec');
    expect(result.exitCode).toBe(0);
    expect(result.messages).toHaveLength(1);
    const spec = result.spec!.spec;
    const connection = spec.connectionSpecification;
    expect(Object.keys(connection.properties)).toEqual([
      'hostname',
      'credentials',
      'start_date',
      'objects',
      'read_api',
      'num_workers',
      'api_budget_percent',
      'formula_refresh_hours',
    ]);
    expect(connection.required).toEqual(['hostname', 'credentials']);
    for (const branch of connection.properties.credentials.oneOf) {
      for (const secret of ['client_secret', 'refresh_token', 'private_key']) {
        if (secret in branch.properties) expect(branch.properties[secret].airbyte_secret).toBe(true);
      }
    }
    expect(connection.properties.objects.default).toEqual(['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User']);
    expect(connection.$schema).toMatch(/draft-07/);
  });

  it('follows the acceptance rules for specs', async () => {
    const spec = (await runConnector('spec')).spec!.spec;
    const keys: string[] = [];
    walk(spec.connectionSpecification, (key, value) => {
      keys.push(key);
      if (key === 'additionalProperties') expect(value).toBe(true);
    });
    for (const keyword of FORBIDDEN) expect(keys).not.toContain(keyword);
  });

  it('answers an unknown command with a config_error TRACE and a non-zero exit', async () => {
    const result = await runConnector('write');
    expect(result.exitCode).not.toBe(0);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].trace.error.failure_type).toBe('config_error');
    expect(result.errors[0].trace.error.message).toMatch(/Unknown command 'write'/);
  });
});
