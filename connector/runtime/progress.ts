/**
 * A live one-line-per-stream progress display for people running `read` by hand. Only when stderr
 * is a terminal; stdout belongs to the protocol. Redrawn at most four times a second.
 */
export interface StreamProgress {
  records: number;
  estimate?: number;
  startedAt: number;
  done?: boolean;
}

export class ProgressDisplay {
  private readonly streams = new Map<string, StreamProgress>();
  private lastDraw = 0;
  private linesDrawn = 0;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  static forTerminal(): ProgressDisplay | undefined {
    return process.stderr.isTTY ? new ProgressDisplay() : undefined;
  }

  update(stream: string, change: Partial<StreamProgress>): void {
    const current = this.streams.get(stream) ?? { records: 0, startedAt: Date.now() };
    this.streams.set(stream, { ...current, ...change });
    this.draw(change.done === true);
  }

  private draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 250) return;
    this.lastDraw = now;
    const lines = [...this.streams].map(([name, p]) => {
      const seconds = Math.max((now - p.startedAt) / 1000, 0.001);
      const rate = Math.round(p.records / seconds);
      const of = p.estimate !== undefined ? ` of ~${p.estimate}` : '';
      return `${name.padEnd(12)} ${String(p.records).padStart(9)}${of} records  ${rate}/s${p.done ? '  done' : ''}`;
    });
    const up = this.linesDrawn ? `\x1b[${this.linesDrawn}F` : '';
    this.out.write(`${up}${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
    this.linesDrawn = lines.length;
  }
}

/** One line counting work done (`420/1000 objects described`), for a terminal, redrawn at most four times a second. */
export class CountProgress {
  private lastDraw = 0;

  constructor(
    private readonly what: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  static forTerminal(what: string): CountProgress | undefined {
    return process.stderr.isTTY ? new CountProgress(what) : undefined;
  }

  update(done: number, total: number): void {
    const now = Date.now();
    const last = done >= total;
    if (!last && now - this.lastDraw < 250) return;
    this.lastDraw = now;
    this.out.write(`\r\x1b[2K${done}/${total} ${this.what}${last ? '\n' : ''}`);
  }
}
