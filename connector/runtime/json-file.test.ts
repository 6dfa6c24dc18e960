import { describe, expect, it } from '@jest/globals';
import { parseJsonText } from './json-file.js';

const SECRET = 'secret-of-the-app';

function refusal(text: string, role: 'config' | 'catalog' | 'state' = 'config'): string {
  try {
    parseJsonText(text, 'config.json', role);
  } catch (error) {
    const message = (error as Error).message;
    expect(message).not.toContain(SECRET);
    return message;
  }
  throw new Error('parsed');
}

describe('parseJsonText', () => {
  it('says an empty file holds nothing, with the fix for its role', () => {
    expect(refusal('')).toBe('The config file config.json holds nothing; write the config into it, a JSON object with hostname and credentials.');
    expect(refusal('\uFEFF \n\n')).toMatch(/^The config file config\.json holds nothing;/);
    expect(refusal('', 'catalog')).toMatch(/holds nothing; pass the configured catalog built from discover's output\.$/);
    expect(refusal('  ', 'state')).toMatch(/holds nothing; pass the state printed by an earlier read, or no --state to start over\.$/);
  });

  it('names the line and column where a file that is not JSON at all breaks (V8 gives no position for it)', () => {
    expect(refusal(`hostname: acme.my.salesforce.com\nclient_secret: ${SECRET}\n`)).toBe(
      'The config file config.json is not valid JSON at line 1, column 1; fix its syntax there.',
    );
  });

  it('names the line and column of a mistake inside the file', () => {
    const unquoted = `{\n  "hostname": "acme.my.salesforce.com",\n  "client_secret": ${SECRET}\n}`;
    expect(refusal(unquoted)).toMatch(/ at line 3, column 20; fix its syntax there\.$/);
    const trailingComma = `{\n  "client_secret": "${SECRET}",\n}`;
    expect(refusal(trailingComma)).toMatch(/ at line 3, column 1; fix its syntax there\.$/);
    expect(refusal(`\uFEFF{"a": 1}}`)).toMatch(/ at line 1, column 9;/);
  });

  it('says a file cut short ends before its JSON does', () => {
    expect(refusal(`{\n  "client_secret": "${SECRET}"\n`)).toBe(
      'The config file config.json is not valid JSON: it ends before the JSON does; close every {, [ and " it opens.',
    );
    expect(refusal(`{"client_secret": "${SECRET}`)).toMatch(/it ends before the JSON does/);
  });
});
