/** Byte values and byte tests shared by the slicers (record-slicer.ts for JSON, csv-slicer.ts for CSV). */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const SPACE = 0x20;

export const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

/** A pattern for matches(): `d` stands for any digit, every other byte for itself. */
export const pattern = (text: string) => Buffer.from(text);
const DIGIT = 0x64;

/** Whether `b` from `start` to `end` is exactly `like` (see pattern()). */
export function matches(b: Buffer, start: number, end: number, like: Buffer): boolean {
  if (end - start !== like.length) return false;
  for (let i = 0; i < like.length; i++) {
    const want = like[i];
    const c = b[start + i];
    if (want === DIGIT ? c < 0x30 || c > 0x39 : c !== want) return false;
  }
  return true;
}

/**
 * Whether `b` from `start` to `end` is a number as JSON.stringify writes it, so it can be copied as
 * it is: -?(0|[1-9]\d*)(\.\d*[1-9])?, at most 15 digits (exact in a double), not -0, and no
 * fraction that JavaScript would write with an exponent (six zeros or more after `0.`).
 */
export function isCanonicalNumber(b: Buffer, start: number, end: number): boolean {
  let i = start;
  if (b[i] === 0x2d) i++;
  const first = i;
  if (i < end && b[i] === 0x30) i++;
  else while (i < end && isDigit(b[i])) i++;
  if (i === first) return false;
  const zero = b[first] === 0x30;
  let digits = i - first;
  if (i === end) return !(zero && first > start) && digits <= 15;
  if (b[i] !== 0x2e) return false;
  const fraction = ++i;
  while (i < end && isDigit(b[i])) i++;
  if (i !== end || i === fraction || b[end - 1] === 0x30) return false;
  if (zero) {
    let zeros = 0;
    while (b[fraction + zeros] === 0x30) zeros++;
    if (zeros >= 6) return false;
  }
  digits += end - fraction;
  return digits <= 15;
}
