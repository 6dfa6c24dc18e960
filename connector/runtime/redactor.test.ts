import { describe, expect, it } from '@jest/globals';
import { Redactor } from './redactor.js';

describe('Redactor', () => {
  // A quote and a backslash, so that the JSON-escaped spelling differs from the raw one.
  const secret = 'Ab!\'()~ +/=*x9\\"q';
  const redactor = new Redactor();
  redactor.addCredentials('3MVGclient', secret);
  redactor.add('00D000000000001!AQtoken.value');

  it.each([
    ['raw', secret],
    ['URL-encoded', encodeURIComponent(secret)],
    ['form-encoded', new URLSearchParams({ s: secret }).toString().slice(2)],
    ['lower-case percent escapes', encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())],
    ['JSON-escaped', JSON.stringify(secret).slice(1, -1)],
    ['base64', Buffer.from(secret).toString('base64')],
    ['a Basic header', `Basic ${Buffer.from(`3MVGclient:${secret}`).toString('base64')}`],
    ['a form-encoded token', new URLSearchParams({ t: '00D000000000001!AQtoken.value' }).toString().slice(2)],
  ])('masks the %s spelling', (_name, spelling) => {
    const out = redactor.redact(`before ${spelling} after`);
    expect(out).not.toContain(spelling.replace(/^Basic /, ''));
    expect(out).toMatch(/^before .*\*{10}.* after$/);
  });
});
