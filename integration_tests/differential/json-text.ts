/**
 * Generators of JSON text for the differential suites: valid most of the time, and broken or odd in
 * the ways a reader of our own could get wrong (see rest-differential.ts).
 */
import fc from 'fast-check';

/**
 * Weight of a broken token against 1,000 good ones: a page has dozens of tokens, and one broken
 * token anywhere makes the whole page a refusal, so most pages must be whole for the reading paths
 * to be tried at all (`mangled` breaks pages as a whole, too).
 */
const GOOD = 1_000;

/** Whitespace between tokens: JSON's four kinds mostly, and now and then one JSON does not allow. */
export const spaces = fc.oneof(
  { weight: GOOD, arbitrary: fc.constant('') },
  { weight: 300, arbitrary: fc.constantFrom(' ', '  ', '\t') },
  { weight: 2, arbitrary: fc.constantFrom('\n', '\r\n', ' \n\t\r ') },
  { weight: 1, arbitrary: fc.constantFrom('\f', '\v', '\u00a0', '\u2028', '\ufeff', '\u0000') },
);

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const character = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom('"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', '\u2028', 'é', '東', '😀', '\ufeff', ','),
  },
  { weight: 1, arbitrary: loneSurrogate },
);

/** One character of a JSON string as it may be written: as JSON.stringify would, escaped, or raw (then maybe invalid). */
const spelt = fc.tuple(character, fc.nat(399)).map(([c, how]) => {
  if (how > 9 || how < 6) return JSON.stringify(c).slice(1, -1);
  if (how < 8)
    return [...c]
      .map((ch) =>
        Array.from(
          { length: ch.length },
          (_, i) =>
            `\\u${ch
              .charCodeAt(i)
              .toString(16)
              .padStart(4, how === 6 ? '0' : '0')
              .toUpperCase()}`,
        ).join(''),
      )
      .join('');
  if (how === 8) return c === '/' ? '\\/' : JSON.stringify(c).slice(1, -1);
  return c;
});

/** A JSON string literal: mostly valid; a bad escape or no closing quote now and then. */
export const stringText = fc.oneof(
  { weight: GOOD, arbitrary: fc.array(spelt, { maxLength: 12 }).map((parts) => `"${parts.join('')}"`) },
  { weight: 1, arbitrary: fc.constantFrom('"\\x41"', '"\\u12G4"', '"\\u12"', '"unterminated', '"\\"', "'single'", '"\\U0041"') },
);

/** Every number form: canonical, odd but valid (`100.0`, `1E2`, `-0`, `1e400`), and not JSON at all. */
export const numberText = fc.oneof(
  { weight: 300, arbitrary: fc.integer({ min: -1e9, max: 1e9 }).map(String) },
  {
    weight: 300,
    arbitrary: fc
      .tuple(
        fc.constantFrom('', '', '-'),
        fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,21}$/)),
        fc.option(fc.stringMatching(/^\.[0-9]{1,20}$/)),
        fc.option(fc.stringMatching(/^[eE][+-]?[0-9]{1,4}$/), { freq: 3 }),
      )
      .map(([sign, int, fraction, exponent]) => `${sign}${int}${fraction ?? ''}${exponent ?? ''}`),
  },
  { weight: 150, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String) },
  {
    weight: 150,
    arbitrary: fc.constantFrom(
      '-0',
      '-0.0',
      '0.0',
      '100.0',
      '15000.0',
      '1E2',
      '1e400',
      '-1e400',
      '1e-400',
      '4.9e-324',
      '0.000001',
      '0.0000001',
      '123456789012345678901',
      '9007199254740993',
      '1.7976931348623157e308',
      '0.1e1',
      '12.50',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('01', '1.', '.5', '+1', '-', 'NaN', 'Infinity', '0x10', '1e', '1e+', '--1', '1.e3') },
);

/** Any JSON value as text, nested up to `depth`; deep nesting, bad literals and trailing commas now and then. */
export function jsonText(depth: number): fc.Arbitrary<string> {
  const leaf = fc.oneof(
    { weight: 400, arbitrary: stringText },
    { weight: 400, arbitrary: numberText },
    { weight: 300, arbitrary: fc.constantFrom('null', 'true', 'false') },
    { weight: 1, arbitrary: fc.constantFrom('nul', 'True', 'undefined', '') },
  );
  const deep = fc
    .tuple(fc.oneof(fc.integer({ min: 505, max: 515 }), fc.integer({ min: 1, max: 3_000 })), fc.boolean())
    .map(([n, balanced]) => '['.repeat(n) + ']'.repeat(balanced ? n : n - 1));
  if (depth <= 0) return leaf;
  const inner = jsonText(depth - 1);
  const array = fc
    .tuple(fc.array(inner, { maxLength: 4 }), spaces, fc.nat(GOOD))
    .map(([items, s, odd]) => `[${s}${items.join(`,${s}`)}${odd === 0 ? ',' : ''}]`);
  const object = fc
    .tuple(fc.array(fc.tuple(stringText, inner), { maxLength: 4 }), spaces, fc.nat(GOOD))
    .map(([members, s, odd]) => `{${s}${members.map(([k, v]) => `${k}${s}:${v}`).join(`,${s}`)}${odd === 0 ? ',' : ''}}`);
  return fc.oneof({ weight: 60, arbitrary: leaf }, { weight: 20, arbitrary: array }, { weight: 20, arbitrary: object }, { weight: 1, arbitrary: deep });
}

/** Sequences that are not UTF-8: stray continuation bytes, overlong and cut-off forms, encoded surrogates, bytes never used. */
export const notUtf8 = fc.constantFrom(
  [0x80],
  [0xbf],
  [0xc0, 0xaf],
  [0xc1, 0x81],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xf0, 0x9f, 0x98],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf5],
  [0xff],
  [0xfe, 0xff],
);

/** The bytes as they are, most of the time; otherwise with a BOM, a byte that is not UTF-8, a byte changed, or cut short. */
export function mangled(bytes: Buffer): fc.Arbitrary<Buffer> {
  const at = fc.nat(bytes.length);
  return fc.oneof(
    { weight: 30, arbitrary: fc.constant(bytes) },
    { weight: 1, arbitrary: fc.constant(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes])) },
    { weight: 2, arbitrary: fc.tuple(at, notUtf8).map(([i, bad]) => Buffer.concat([bytes.subarray(0, i), Buffer.from(bad), bytes.subarray(i)])) },
    {
      weight: 1,
      arbitrary: fc.tuple(at, fc.integer({ min: 0, max: 255 })).map(([i, c]) => Buffer.concat([bytes.subarray(0, i), Buffer.from([c]), bytes.subarray(i + 1)])),
    },
    { weight: 1, arbitrary: at.map((i) => bytes.subarray(0, i)) },
  );
}
