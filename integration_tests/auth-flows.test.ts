/**
 * The refresh token and JWT bearer flows end to end against the emulator's token endpoint: each
 * runs check → discover → read → incremental read, a rotated refresh token reaches the platform as
 * a CONTROL message the next run can use, and each way Salesforce refuses a token is explained.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { configuredCatalog, idsOf, runConnector, stateFrom, type Message, type RunResult } from './helpers/connector-runner.js';
import { CLIENT_ID, CLIENT_SECRET, startOrg, type TestOrg } from './helpers/org.js';
import { nativeImport } from './helpers/native.js';
import type { EmulatorClient, EmulatorOptions } from './emulator/index.js';
import { testAjv } from './helpers/test-ajv.js';
import { readJson } from './acceptance/support/fixtures.js';

const { jwtKeys, EMULATOR_USERNAME, startCaptureServer } = nativeImport<typeof import('./emulator/index.js')>(new URL('./emulator/index.js', import.meta.url));
const { lineProblems } = nativeImport<typeof import('./helpers/protocol-validator.js')>(new URL('./helpers/protocol-validator.js', import.meta.url));

const TOKEN_PATH = '/services/oauth2/token';
const MINUTE = 60_000;
const COUNTS = { Account: 12 };
const OBJECTS = Object.keys(COUNTS) as (keyof typeof COUNTS)[];

let org: TestOrg | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await org?.emulator.close();
  org = undefined;
  for (const close of closers.splice(0)) await close();
});

/**
 * An org of one object, over plain HTTP without gzip: what these tests prove is the login, and TLS,
 * compression and more objects (covered by the read suites) only added requests and their cost to
 * each of the many runs here.
 */
async function withClient(client: Partial<EmulatorClient>, options: EmulatorOptions = {}): Promise<TestOrg> {
  org = await startOrg(
    { counts: COUNTS, objects: OBJECTS, https: false, gzip: false, ...options, clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...client }] },
    { objects: OBJECTS },
  );
  return org;
}

/** A config in the spec's shape: the login fields inside `credentials`. */
interface Config {
  hostname: unknown;
  credentials: Record<string, string>;
  [field: string]: unknown;
}

/** `config` with some of its login fields changed (or, set to undefined, left out). */
function withCredentials(config: Config, change: Record<string, string | undefined>): Config {
  const credentials = Object.fromEntries(Object.entries({ ...config.credentials, ...change }).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return { ...config, credentials };
}

/** The same config with its login fields at the top level, as versions before the credentials object wrote it. */
function flatOf({ credentials, ...rest }: Config): Record<string, unknown> {
  return { ...rest, ...credentials };
}

async function refreshTokenOrg(client: Partial<EmulatorClient> = {}, options: EmulatorOptions = {}) {
  const started = await withClient(client, options);
  const refreshToken = started.emulator.issueRefreshToken();
  const config: Config = {
    hostname: started.config.hostname,
    objects: OBJECTS,
    credentials: { auth_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: refreshToken },
  };
  return { org: started, config };
}

async function jwtOrg(client: Partial<EmulatorClient> = {}, options: EmulatorOptions = {}, key?: string) {
  const keys = await jwtKeys();
  const started = await withClient({ certificate: keys.certificate, ...client }, options);
  const config: Config = {
    hostname: started.config.hostname,
    objects: OBJECTS,
    credentials: { auth_type: 'jwt_bearer', client_id: CLIENT_ID, username: EMULATOR_USERNAME, private_key: key ?? keys.privateKey },
  };
  return { org: started, config };
}

function checkStatus(result: RunResult): { status: string; message?: string } {
  expect(result.exitCode).toBe(0);
  return result.connectionStatus!.connectionStatus;
}

/** What the platform stores after a run: the config of the run's last CONTROL message, if it sent one. */
function storedConfig<T extends Record<string, unknown>>(config: T, run: RunResult): T {
  return run.controls.at(-1)?.control.connectorConfig.config ?? config;
}

/**
 * discover, a full incremental read and a second one after a change, each run with the config the
 * platform stored after the one before: every record arrives, none twice.
 */
async function syncTwice(started: TestOrg, given: Record<string, unknown>) {
  let config = given;
  const discovered = await runConnector('discover', { config, env: started.env });
  expect(discovered.exitCode).toBe(0);
  config = storedConfig(config, discovered);
  const catalog = configuredCatalog(discovered.catalog!, 'incremental');
  const first = await runConnector('read', { config, catalog, env: started.env });
  expect(first.exitCode).toBe(0);
  config = storedConfig(config, first);
  for (const object of OBJECTS) {
    expect(idsOf(first.recordsOf(object)).sort()).toEqual(idsOf(started.emulator.records(object, { includeDeleted: true })).sort());
  }
  const added = started.emulator.insert('Account', { Name: 'Added between runs' });
  const second = await runConnector('read', { config, catalog, state: stateFrom(first.states), env: started.env });
  expect(second.exitCode).toBe(0);
  expect(idsOf(second.recordsOf('Account'))).toContain(added.Id);
  expect(second.records.length).toBeLessThan(first.records.length);
  return { first, second };
}

const refreshTokenOf = (control: Message): string => control.control.connectorConfig.config.credentials.refresh_token;

describe('refresh token flow', () => {
  it('runs check, discover, read and an incremental read, and emits no CONTROL message when the token is not rotated', async () => {
    const { org: started, config } = await refreshTokenOrg();
    const check = await runConnector('check', { config, env: started.env });
    expect(checkStatus(check).status).toBe('SUCCEEDED');
    const { first, second } = await syncTwice(started, config);
    expect([...check.controls, ...first.controls, ...second.controls]).toEqual([]);
  });

  it('hands each rotated refresh token to the platform in a CONTROL message with the whole config, and the next run works with it', async () => {
    const { org: started, config } = await refreshTokenOrg({ rotateRefreshTokens: true });
    const check = await runConnector('check', { config, env: started.env });
    expect(checkStatus(check).status).toBe('SUCCEEDED');
    expect(check.controls).toHaveLength(1);
    const control = check.controls[0];
    expect(lineProblems(JSON.stringify(control))).toEqual([]);
    expect(control.control.type).toBe('CONNECTOR_CONFIG');
    expect(typeof control.control.emitted_at).toBe('number');
    const rotated = refreshTokenOf(control);
    expect(rotated).not.toBe(config.credentials.refresh_token);
    // The whole config as given, only the token changed: no defaults written into the platform's copy.
    expect(control.control.connectorConfig.config).toEqual(withCredentials(config, { refresh_token: rotated }));
    // The CONTROL line comes before the status: the platform has it even if the run dies right after.
    expect(check.messages.indexOf(control)).toBeLessThan(check.messages.indexOf(check.connectionStatus!));

    // The old token is gone: a platform that lost the message gets a message that says how to recover.
    const stale = await runConnector('check', { config, env: started.env });
    expect(checkStatus(stale)).toEqual({ status: 'FAILED', message: expect.stringMatching(/authorize the source again/) });

    const next = withCredentials(config, { refresh_token: rotated });
    const { first, second } = await syncTwice(started, next);
    expect(first.controls.length + second.controls.length).toBeGreaterThan(0);
  });

  it('keeps reading through a rotation in the middle of a read, and the last CONTROL token is the one that works', async () => {
    // Pages of 2 records and sessions that serve 2 requests: the read renews its token (and so
    // rotates the refresh token) many times.
    const { org: started, config } = await refreshTokenOrg({ rotateRefreshTokens: true }, { tokenTtlRequests: 2, maxBatchSize: 2 });
    const discovered = await runConnector('discover', { config, env: started.env });
    const afterDiscover = refreshTokenOf(discovered.controls.at(-1)!);
    const catalog = configuredCatalog(discovered.catalog!, 'incremental');
    const current = withCredentials(config, { refresh_token: afterDiscover });
    const read = await runConnector('read', { config: current, catalog, env: started.env });
    expect(read.exitCode).toBe(0);
    expect(read.controls.length).toBeGreaterThan(1);
    // One CONTROL message for every rotation the org made, none missed, none invented.
    expect(started.emulator.refreshTokenRotations).toBe(discovered.controls.length + read.controls.length);
    const tokens = read.controls.map(refreshTokenOf);
    expect(new Set(tokens).size).toBe(tokens.length);
    // Rotated tokens are secrets too: no other line shows them.
    const others = read.messages
      .filter((m) => m.type !== 'CONTROL')
      .map((m) => JSON.stringify(m))
      .join('\n');
    for (const token of tokens) expect(others).not.toContain(token);
    for (const object of OBJECTS) {
      expect(idsOf(read.recordsOf(object)).sort()).toEqual(idsOf(started.emulator.records(object, { includeDeleted: true })).sort());
    }
    const next = await runConnector('check', { config: withCredentials(config, { refresh_token: tokens.at(-1) }), env: started.env });
    expect(checkStatus(next).status).toBe('SUCCEEDED');
  });

  it('says how to recover when the answer carrying a rotated token is cut off in transit (Salesforce rotated, the connector never saw it)', async () => {
    const { org: started, config } = await refreshTokenOrg({ rotateRefreshTokens: true });
    started.emulator.misbehave('token', { kind: 'cutBody', gzip: false });
    const check = await runConnector('check', { config, env: started.env });
    // The retry sends the old token, which rotation retired: nothing to persist, and the message names the way back.
    expect(started.emulator.misbehaviourCount('cutBody')).toBe(1);
    expect(check.controls).toEqual([]);
    expect(checkStatus(check)).toEqual({ status: 'FAILED', message: expect.stringMatching(/last CONTROL message, or authorize the source again/) });
  });

  it.each([
    [
      'a revoked refresh token',
      {},
      (o: TestOrg, token: string) => o.emulator.revokeRefreshToken(token),
      /no longer accepts the refresh_token.*authorize the source again/,
    ],
    ['an app whose Refresh Token Policy expires tokens at once', { refreshTokenPolicy: 'immediately' as const }, () => undefined, /Refresh Token Policy/],
    ['a wrong client_secret', {}, () => undefined, /client_secret/, { client_secret: 'not-the-secret' }],
    ['an IP restriction', { ipRestricted: true }, () => undefined, /Login IP Ranges/],
  ])('explains %s', async (_what, client, spoil, message, change: Record<string, string> = {}) => {
    const { org: started, config } = await refreshTokenOrg(client);
    spoil(started, config.credentials.refresh_token);
    const check = await runConnector('check', { config: withCredentials(config, change), env: started.env });
    expect(checkStatus(check)).toEqual({ status: 'FAILED', message: expect.stringMatching(message) });
  });

  it('refuses a config without refresh_token before any call, naming the field', async () => {
    const { org: started, config } = await refreshTokenOrg();
    const check = await runConnector('check', { config: withCredentials(config, { refresh_token: undefined }), env: started.env });
    expect(checkStatus(check)).toEqual({
      status: 'FAILED',
      message: expect.stringMatching(/'credentials\.refresh_token' is missing, but auth_type refresh_token needs it/),
    });
    expect(started.emulator.requests).toEqual([]);
  });
});

describe('JWT bearer flow', () => {
  it('runs check, discover, read and an incremental read without any client secret', async () => {
    const { org: started, config } = await jwtOrg();
    expect(config.credentials).not.toHaveProperty('client_secret');
    const check = await runConnector('check', { config, env: started.env });
    expect(checkStatus(check).status).toBe('SUCCEEDED');
    await syncTwice(started, config);
    const assertion = started.emulator.requests.find((r) => r.path === '/services/oauth2/token');
    expect(assertion).toBeDefined();
  });

  it('accepts a PKCS#1 key, and a key whose newlines a form turned into spaces or \\n', async () => {
    const keys = await jwtKeys();
    const { org: started, config } = await jwtOrg();
    for (const key of [keys.privateKeyPkcs1, keys.privateKey.replace(/\n/g, ' '), keys.privateKey.replace(/\n/g, '\\n')]) {
      const check = await runConnector('check', { config: withCredentials(config, { private_key: key }), env: started.env });
      expect(checkStatus(check).status).toBe('SUCCEEDED');
    }
  });

  it.each([
    ['a user not pre-authorized for the app', {}, {}, { username: 'someone.else@acme.com' }, /someone\.else@acme\.com is not pre-authorized.*permission set/],
    ['a sandbox that expects test.salesforce.com', {}, { sandbox: true }, {}, /audience \(https:\/\/login\.salesforce\.com\).*test\.salesforce\.com/],
    ['a certificate that was not made from the key', {}, {}, { private_key: 'other' }, /Use digital signatures.*certificate/],
    ['an app with no certificate uploaded', { certificate: undefined }, {}, {}, /Use digital signatures/],
    ['an IP restriction', { ipRestricted: true }, {}, {}, /IP Relaxation/],
    ['an unknown client_id', {}, {}, { client_id: 'not-an-app' }, /Consumer Key/],
  ])('explains %s', async (_what, client, options, change, message) => {
    const keys = await jwtKeys();
    const { org: started, config } = await jwtOrg(client, options);
    const spoiled = withCredentials(config, { ...change, ...('private_key' in change ? { private_key: keys.otherKey } : {}) });
    const check = await runConnector('check', { config: spoiled, env: started.env });
    expect(checkStatus(check)).toEqual({ status: 'FAILED', message: expect.stringMatching(message) });
  });

  it.each([
    ['ahead of', 10 * MINUTE],
    ['behind', -10 * MINUTE],
  ])("checks and reads with the org's clock 10 minutes %s this machine's, renewals included", async (_way, aheadMs) => {
    // Sessions last one call, so every run renews its token at each call after the first.
    const { org: started, config } = await jwtOrg({}, { clockAheadMs: aheadMs, tokenTtlRequests: 1 });
    expect(checkStatus(await runConnector('check', { config, env: started.env })).status).toBe('SUCCEEDED');
    await syncTwice(started, config);
    const tokenCalls = started.emulator.requests.filter((r) => r.path === TOKEN_PATH);
    const refused = tokenCalls.filter((r) => r.status !== 200);
    // Four runs (check, discover, two reads). An org ahead refuses each run's first assertion, made on this
    // machine's clock, once; the one made on its refusal's Date and every renewal after it pass.
    expect(refused.map((r) => r.status)).toEqual(aheadMs > 0 ? [400, 400, 400, 400] : []);
    expect(tokenCalls.length - refused.length).toBeGreaterThan(8);
  });

  it.each([
    [
      'strips the Date header',
      'none' as const,
      /refused the JWT as expired \(expired authorization code\).*no Date header.*synchronise this machine's clock \(NTP\)/,
      1,
    ],
    ['dates answers by its own clock', 'proxy' as const, /also when made again .* level with this machine's clock.*NTP.*rewrites the Date header/, 2],
  ])("explains a clock minutes behind the org's when a proxy %s, asking for a token at most twice", async (_what, dateHeader, message, calls) => {
    const { org: started, config } = await jwtOrg({}, { clockAheadMs: 10 * MINUTE, dateHeader });
    const check = await runConnector('check', { config, env: started.env });
    expect(checkStatus(check)).toEqual({ status: 'FAILED', message: expect.stringMatching(message) });
    expect(started.emulator.requests.map((r) => [r.path, r.status])).toEqual(Array(calls).fill([TOKEN_PATH, 400]));
  });

  it.each([
    ['a certificate instead of the key', (k: { certificate: string }) => k.certificate, /holds a certificate, not a private key/],
    [
      'an encrypted key',
      () => '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----',
      /encrypted private key/,
    ],
    ['half a key', (k: { privateKey: string }) => k.privateKey.slice(0, 600) + '\n-----END PRIVATE KEY-----', /does not parse as a private key/],
    ['no key at all', () => 'my-key.pem', /not a PEM private key/],
  ])('refuses %s in private_key before any call, naming the field', async (_what, make, message) => {
    const keys = await jwtKeys();
    const { org: started, config } = await jwtOrg();
    const check = await runConnector('check', { config: withCredentials(config, { private_key: make(keys) }), env: started.env });
    expect(checkStatus(check)).toEqual({ status: 'FAILED', message: expect.stringMatching(message) });
    expect(check.connectionStatus!.connectionStatus.message).toMatch(/'credentials\.private_key'/);
    expect(started.emulator.requests).toEqual([]);
  });
});

describe('the host calls go to', () => {
  it('follows the instance_url a login host names when it is loopback (an emulator) or a Salesforce domain, and sends the token nowhere else', async () => {
    const capture = await startCaptureServer();
    closers.push(() => capture.close());
    const { org: started, config } = await refreshTokenOrg({}, { myDomain: false, https: false, instanceUrl: capture.url });
    const check = await runConnector('check', { config, env: started.env });
    // The capture server answers like no Salesforce describe: a clear failure, not a crash.
    const failure = check.errors[0]?.trace.error.message ?? check.connectionStatus?.connectionStatus.message;
    expect(failure).toMatch(/^Salesforce sent the .*describe/);
    // The token came from the login host; the data calls went to the host its answer named.
    expect(started.emulator.requests.every((r) => r.path === '/services/oauth2/token')).toBe(true);
    expect(capture.requests.some((r) => r.url.startsWith('/services/data/') && /^Bearer 00D/.test(String(r.headers.authorization)))).toBe(true);
  });

  it.each([['https://evil.example.com'], ['http://acme.my.salesforce.com'], ['https://acme.my.salesforce.com/path'], ['not a url']])(
    'refuses an instance_url of %s as a config error and calls nothing',
    async (instanceUrl) => {
      const { org: started, config } = await refreshTokenOrg({}, { myDomain: false, https: false, instanceUrl });
      const check = await runConnector('check', { config, env: started.env });
      expect(checkStatus(check)).toEqual({ status: 'FAILED', message: expect.stringMatching(/not a Salesforce host, so the connector sent it nothing/) });
      expect(started.emulator.requests.every((r) => r.path === '/services/oauth2/token')).toBe(true);
    },
  );

  it('keeps Client Credentials calls on the configured host whatever the answer names', async () => {
    const started = await withClient({}, { instanceUrl: 'https://evil.example.com' });
    const check = await runConnector('check', { config: started.config, env: started.env });
    expect(checkStatus(check).status).toBe('SUCCEEDED');
  });

  it('reads through a login host end to end when it names itself (the emulator as login.salesforce.com)', async () => {
    const { org: started, config } = await refreshTokenOrg({}, { myDomain: false });
    const refused = await runConnector('check', { config: started.config, env: started.env });
    expect(checkStatus(refused)).toEqual({ status: 'FAILED', message: expect.stringMatching(/My Domain/) });
    expect(checkStatus(await runConnector('check', { config, env: started.env })).status).toBe('SUCCEEDED');
    await syncTwice(started, config);
  });
});

describe('flat configs of earlier versions', () => {
  const MIGRATED = /flat login fields of earlier versions/;
  // What the platform checks a config from a CONTROL message against before it stores it.
  const specValid = testAjv({ strict: false, validateFormats: false }, false).compile(readJson('spec.json').connectionSpecification);

  async function orgFor(flow: string): Promise<{ org: TestOrg; config: Config }> {
    if (flow === 'refresh_token') return refreshTokenOrg();
    if (flow === 'jwt_bearer') return jwtOrg();
    const started = await withClient({});
    return { org: started, config: started.config as Config };
  }

  it.each(['client_credentials', 'refresh_token', 'jwt_bearer'])(
    'a flat %s config checks and syncs; its first run hands the platform the credentials shape once, and runs with that say nothing more',
    async (flow) => {
      const { org: started, config } = await orgFor(flow);
      // The oldest form of all: Client Credentials without auth_type.
      const flat = flow === 'client_credentials' ? flatOf(withCredentials(config, { auth_type: undefined })) : flatOf(config);
      const check = await runConnector('check', { config: flat, env: started.env });
      expect(checkStatus(check).status).toBe('SUCCEEDED');
      expect(check.controls).toHaveLength(1);
      const [control] = check.controls;
      expect(lineProblems(JSON.stringify(control))).toEqual([]);
      expect(control.control.type).toBe('CONNECTOR_CONFIG');
      expect(control.control.connectorConfig.config).toEqual(config);
      expect(specValid(control.control.connectorConfig.config) ? [] : specValid.errors).toEqual([]);
      expect(check.messages.indexOf(control)).toBeLessThan(check.messages.indexOf(check.connectionStatus!));
      expect(check.logs.filter((log) => MIGRATED.test(log.log.message))).toHaveLength(1);

      const { first, second } = await syncTwice(started, flat);
      expect([...first.controls, ...second.controls]).toEqual([]);
      expect([...first.logs, ...second.logs].filter((log) => MIGRATED.test(log.log.message))).toEqual([]);
    },
  );

  it('writes a token rotated during a run with a flat config into the credentials shape it handed the platform first', async () => {
    const { org: started, config } = await refreshTokenOrg({ rotateRefreshTokens: true });
    const check = await runConnector('check', { config: flatOf(config), env: started.env });
    expect(checkStatus(check).status).toBe('SUCCEEDED');
    // First the migration, then the rotation: each a whole config in the credentials shape, the last one current.
    const [migration, rotation] = check.controls;
    expect(check.controls).toHaveLength(2);
    for (const control of check.controls) {
      expect(lineProblems(JSON.stringify(control))).toEqual([]);
      expect(specValid(control.control.connectorConfig.config)).toBe(true);
    }
    expect(migration.control.connectorConfig.config).toEqual(config);
    const rotated = refreshTokenOf(rotation);
    expect(rotated).not.toBe(config.credentials.refresh_token);
    expect(rotation.control.connectorConfig.config).toEqual(withCredentials(config, { refresh_token: rotated }));

    // The stored config logs in with the new token, and only its own next rotation is sent.
    const next = await runConnector('check', { config: storedConfig(config, check), env: started.env });
    expect(checkStatus(next).status).toBe('SUCCEEDED');
    expect(next.controls).toHaveLength(1);
    expect(next.controls[0].control.connectorConfig.config).toEqual(withCredentials(config, { refresh_token: refreshTokenOf(next.controls[0]) }));
  });

  it('names the flat field in a flat config that lacks one', async () => {
    const { org: started, config } = await refreshTokenOrg();
    const check = await runConnector('check', { config: flatOf(withCredentials(config, { client_secret: undefined })), env: started.env });
    expect(checkStatus(check)).toEqual({
      status: 'FAILED',
      message: expect.stringMatching(/field 'client_secret' is missing, but auth_type refresh_token needs it/),
    });
    expect(check.controls).toEqual([]);
    expect(started.emulator.requests).toEqual([]);
  });
});
