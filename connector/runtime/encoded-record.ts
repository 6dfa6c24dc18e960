/**
 * A record whose RECORD `data` is already JSON text: the UTF-8 bytes of `bytes` from `start` to
 * `end`, one JSON object on one line. A source that receives JSON can hand its records on without
 * parsing and re-serialising them (for a read, the largest cost after the network), and many
 * records can share one buffer. The writer copies the bytes as they are.
 */
export class EncodedRecord {
  constructor(
    readonly bytes: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}

  /** The record as an object, for the rare record a source must change after all. */
  decode(): Record<string, unknown> {
    return JSON.parse(this.bytes.toString('utf8', this.start, this.end)) as Record<string, unknown>;
  }
}
