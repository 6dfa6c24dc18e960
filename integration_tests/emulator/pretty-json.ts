/**
 * JSON as Salesforce writes it when asked for `X-PrettyPrint: 1` (Jackson's default pretty printer,
 * as recorded answers show it): objects one member a line indented by two, `"key" : value`, arrays
 * inline as `[ a, b ]`, empty ones as `[ ]` and `{ }`.
 */
export function salesforcePretty(value: unknown, indent = ''): string {
  if (Array.isArray(value)) return value.length ? `[ ${value.map((v) => salesforcePretty(v, indent)).join(', ')} ]` : '[ ]';
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (!entries.length) return '{ }';
    const inner = `${indent}  `;
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)} : ${salesforcePretty(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
