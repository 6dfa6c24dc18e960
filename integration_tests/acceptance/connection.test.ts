/**
 * Acceptance: connection. Each config listed in acceptance-test-config.yml gives exactly one
 * CONNECTION_STATUS of the listed outcome. The "exception" outcome (exactly one TRACE with an
 * error message) has no fixture, since every problem an operator can fix is a FAILED status by
 * design; it is exercised here with a host that answers the token request like no Salesforce org.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runConnector } from '../helpers/connector-runner.js';
import { acceptanceConfig, readJson, startAcceptanceOrg, type AcceptanceOrg } from './support/fixtures.js';

const { tests } = acceptanceConfig().acceptance_tests.connection;

describe('acceptance: connection', () => {
  let org: AcceptanceOrg;
  beforeAll(async () => {
    org = await startAcceptanceOrg();
  });
  afterAll(() => org.close());

  it('lists at least one succeeding and one failing config', () => {
    expect(tests.map((t) => t.status)).toEqual(expect.arrayContaining(['succeed', 'failed']));
  });

  it.each(tests)('$config_path: $status', async ({ config_path: configPath, status }) => {
    const run = await runConnector('check', { config: org.config(configPath), env: org.env });
    if (status === 'exception') {
      const traces = run.messages.filter((m) => m.type === 'TRACE');
      expect(traces).toHaveLength(1);
      expect(traces[0].trace.error.message).toEqual(expect.any(String));
      return;
    }
    const statuses = run.messages.filter((m) => m.type === 'CONNECTION_STATUS');
    expect(statuses).toHaveLength(1);
    expect(statuses[0].connectionStatus.status).toBe(status === 'succeed' ? 'SUCCEEDED' : 'FAILED');
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
  });

  it('explains a failing config in one sentence that names the fix', async () => {
    const run = await runConnector('check', { config: org.config('integration_tests/invalid_config.json'), env: org.env });
    expect(run.connectionStatus?.connectionStatus.message).toMatch(/client_secret|Consumer Secret/);
  });

  describe('exception', () => {
    let server: Server;
    let hostname: string;
    beforeAll(async () => {
      // A web server that says 200 to the token request but hands out no token.
      server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"not-a-salesforce-org"}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      hostname = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('prints exactly one TRACE with an error message when the host answers like no Salesforce org', async () => {
      const config = { ...readJson('integration_tests/sample_config.json'), hostname };
      const run = await runConnector('check', { config });
      const traces = run.messages.filter((m) => m.type === 'TRACE');
      expect(traces).toHaveLength(1);
      expect(traces[0].trace.type).toBe('ERROR');
      expect(traces[0].trace.error.message).toMatch(/token/i);
      expect(run.exitCode).not.toBe(0);
    });
  });
});
