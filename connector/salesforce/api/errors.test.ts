import { describe, expect, it } from '@jest/globals';
import { classifyApiError, parseErrorBody } from './api-errors.js';
import { SalesforceApiError } from './failures.js';
import { parseLimitInfo } from './limit-info.js';
import { classifyNetworkError } from './network-errors.js';
import { classifyOAuthError, isExpiredAssertion } from './oauth-errors.js';
import type { LoginFlow } from '../config/hostname.js';

describe('classifyOAuthError', () => {
  it.each([
    [400, 'invalid_client_id', 'client identifier invalid', 'config_error', /Consumer Key/],
    [400, 'invalid_client', 'invalid client credentials', 'config_error', /client_secret/],
    [400, 'invalid_grant', 'no client credentials user enabled', 'config_error', /Run As/],
    [400, 'invalid_grant', 'request not supported on this domain', 'config_error', /My Domain/],
    [400, 'unsupported_grant_type', 'grant type not supported', 'config_error', /Client Credentials Flow/],
    [400, 'invalid_app_access', 'user is not admin approved to access this app', 'config_error', /pre-authorise/],
    [400, 'invalid_grant', 'ip restricted', 'config_error', /Login IP Ranges.*Relax IP restrictions/],
    [400, 'invalid_grant', 'inactive user', 'config_error', /reactivate/],
    [503, 'whatever', '', 'transient_error', /unavailable/],
  ])('Client Credentials: %i %s (%s)', (status, error, description, failureType, message) => {
    const classified = classifyOAuthError(status, { error, error_description: description }, { flow: 'client_credentials', host: 'acme.my.salesforce.com' });
    expect(classified.failureType).toBe(failureType);
    expect(classified.message).toMatch(message);
  });

  it("quotes Salesforce's description as sent, not as lower-cased for matching", () => {
    const facts = { flow: 'client_credentials', host: 'acme.my.salesforce.com' } as const;
    const refused = classifyOAuthError(400, { error: 'invalid_grant', error_description: 'authentication failure - Invalid Password' }, facts);
    expect(refused.message).toContain('(authentication failure - Invalid Password)');
    const locked = classifyOAuthError(400, { error: 'invalid_grant', error_description: 'Inactive User' }, facts);
    expect(locked.message).toContain('(Inactive User)');
  });

  it.each([
    ['refresh_token', 'invalid_grant', 'expired access/refresh token', /Refresh Token Policy.*valid until revoked/],
    ['refresh_token', 'unsupported_grant_type', 'grant type not supported', /refresh_token, offline_access/],
    ['refresh_token', 'invalid_app_access', 'user is not admin approved to access this app', /self-authorize/],
    ['refresh_token', 'invalid_grant', 'something new', /refresh token flow \(something new\)/],
    ['jwt_bearer', 'invalid_grant', 'audience is invalid', /audience \(https:\/\/login\.salesforce\.com\).*test\.salesforce\.com/],
    ['jwt_bearer', 'invalid_grant', "user hasn't approved this consumer", /ada@acme\.com is not pre-authorized.*permission set/],
    ['jwt_bearer', 'invalid_grant', 'invalid assertion', /Use digital signatures.*certificate/],
    ['jwt_bearer', 'invalid_grant', 'expired authorization code', /no Date header.*synchronise this machine's clock \(NTP\)/],
    ['jwt_bearer', 'invalid_grant', 'ip restricted', /IP Relaxation/],
    ['jwt_bearer', 'invalid_client_id', 'client identifier invalid', /Consumer Key/],
  ] as [LoginFlow, string, string, RegExp][])('%s: %s (%s)', (flow, error, description, message) => {
    const request = { flow, host: 'login.salesforce.com', audience: 'https://login.salesforce.com', username: 'ada@acme.com' };
    const classified = classifyOAuthError(400, { error, error_description: description }, request);
    expect(classified.failureType).toBe('config_error');
    expect(classified.message).toMatch(message);
  });

  it.each([
    ['client_credentials', 'invalid_client_id', /this client_id \(credentials\.client_id\);/],
    ['client_credentials', 'invalid_client', /client_secret for this client_id \(credentials\.client_secret\);/],
    ['refresh_token', 'invalid_grant', /refresh_token \(credentials\.refresh_token\), saying "expired/],
    ['jwt_bearer', 'unsupported_grant_type', /certificate of credentials\.private_key,/],
    ['refresh_token', 'invalid_request', /check credentials\.client_id and/],
  ] as [LoginFlow, string, RegExp][])('names the %s field of a config in the credentials shape by its path (%s)', (flow, error, message) => {
    const request = { flow, host: 'acme.my.salesforce.com', loginFieldPrefix: 'credentials.' };
    const description = error === 'invalid_grant' ? 'expired access/refresh token' : 'x';
    expect(classifyOAuthError(400, { error, error_description: description }, request).message).toMatch(message);
    expect(classifyOAuthError(400, { error, error_description: description }, { ...request, loginFieldPrefix: '' }).message).not.toMatch(/credentials\./);
  });
});

describe("a JWT refused as expired by Salesforce's clock", () => {
  const request = { flow: 'jwt_bearer' as const, host: 'login.salesforce.com', audience: 'https://login.salesforce.com', username: 'ada@acme.com' };
  const body = { error: 'invalid_grant', error_description: 'expired authorization code' };

  it.each([
    [600_000 - 400, /10 minutes ahead of this machine's clock/],
    [-600_000, /10 minutes behind this machine's clock/],
    [-90_000, /90 seconds behind this machine's clock/],
    [-700, /level with this machine's clock/],
  ])('says how far the Date of the refusal put its clock (%i ms) and what to fix', (skewMs, difference) => {
    const classified = classifyOAuthError(400, body, request, skewMs);
    expect(classified.failureType).toBe('config_error');
    expect(classified.message).toMatch(difference);
    expect(classified.message).toMatch(/synchronise this machine's clock \(NTP\).*login\.salesforce\.com rewrites the Date header/);
  });

  it('is recognised by its exact words, for the JWT flow only', () => {
    expect(isExpiredAssertion('jwt_bearer', 'invalid_grant', 'expired authorization code')).toBe(true);
    expect(isExpiredAssertion('jwt_bearer', 'invalid_grant', 'invalid assertion')).toBe(false);
    expect(isExpiredAssertion('refresh_token', 'invalid_grant', 'expired authorization code')).toBe(false);
    expect(isExpiredAssertion('jwt_bearer', undefined, undefined)).toBe(false);
  });
});

describe('REST errors', () => {
  it('parses Salesforce error arrays and falls back for other bodies', () => {
    const parsed = parseErrorBody(400, '[{"message":"x","errorCode":"INVALID_TYPE"}]', '/p');
    expect([parsed.status, parsed.errorCode, parsed.sfMessage]).toEqual([400, 'INVALID_TYPE', 'x']);
    expect(parseErrorBody(502, '<html>bad gateway</html>', '/p').errorCode).toBe('SERVER_ERROR');
  });

  it.each([
    [403, 'API_CURRENTLY_DISABLED', 'config_error', /API Enabled/],
    [400, 'INVALID_TYPE', 'config_error', /grant Read on Case/],
    [404, 'NOT_FOUND', 'config_error', /grant Read on Case/],
    [400, 'INVALID_FIELD', 'config_error', /No such column 'X'/],
    [403, 'REQUEST_LIMIT_EXCEEDED', 'transient_error', /request limit/],
    [503, 'SERVER_UNAVAILABLE', 'transient_error', /unavailable/],
    [400, 'MALFORMED_QUERY', 'system_error', /report/],
    [410, 'GONE', 'system_error', /retired/],
  ])('%i %s is a %s', (status, code, failureType, message) => {
    const sfMessage = code === 'INVALID_FIELD' ? "\nSELECT X FROM Case\n       ^\nERROR at Row:1:Column:8\nNo such column 'X' on entity 'Case'." : 'm';
    const classified = classifyApiError(new SalesforceApiError(status, code, sfMessage, '/p'), { object: 'Case', action: 'query Case' });
    expect(classified.failureType).toBe(failureType);
    expect(classified.message).toMatch(message);
  });

  it('parses Sforce-Limit-Info', () => {
    expect(parseLimitInfo('api-usage=25/15000')).toEqual({ used: 25, max: 15000 });
    expect(parseLimitInfo('api-usage=10018/100000; api-bursts=1/750')).toEqual({ used: 10018, max: 100000 });
    expect(parseLimitInfo(undefined)).toBeUndefined();
    expect(parseLimitInfo('per-app-api-usage=17/250(appName=x)')).toBeUndefined();
  });

  it('names the fix for network failures', () => {
    expect(classifyNetworkError('ENOTFOUND', 'acme.my.salesforce.com', '').message).toMatch(/does not exist/);
    expect(classifyNetworkError('DEPTH_ZERO_SELF_SIGNED_CERT', 'h', '').message).toMatch(/NODE_EXTRA_CA_CERTS/);
    expect(classifyNetworkError('ECONNRESET', 'h', '').failureType).toBe('transient_error');
  });
});
