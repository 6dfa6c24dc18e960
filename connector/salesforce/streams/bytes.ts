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
