/**
 * A wide-area link in front of the org: every TCP connection through it gets its own bandwidth (the
 * org's answers are sent no faster than that) and a round-trip time (half of it each way, on every
 * byte). So one connection carries a few MB/s, as between Salesforce and a platform in another
 * region, while several connections at once carry several times that. Bytes pass through unchanged
 * (TLS too); a full queue stops reading from the sender, so TCP pushes back as on a real link.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

export interface LinkOptions {
  /** bytes per second each connection carries from the org to the client */
  bytesPerSecond: number;
  /** milliseconds a request takes to reach the org and its answer to come back */
  rttMs: number;
}

export interface Link {
  port: number;
  /** bytes carried from the org to its clients so far (what they downloaded, as sent on the wire) */
  readonly bytesToClients: number;
  close(): Promise<void>;
}

/**
 * Bytes waiting for the line (not those already on it, in the round trip) before the sender is
 * paused. Bytes in the round trip are what TCP's window covers; a real window holds them too.
 */
const HIGH_WATER = 256 * 1024;
/** Pieces the bandwidth is metered in: small enough that a piece takes a few ms at a few MB/s. */
const PIECE = 16 * 1024;

/** One direction of one connection: each piece leaves when the line is free and the delay has passed. */
class Lane {
  private readonly queue: Array<{ chunk: Buffer; due: number }> = [];
  /** when the line finishes sending what is queued */
  private lineFreeAt = 0;
  private timer?: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly bytesPerSecond: number | undefined,
    private readonly delayMs: number,
    private readonly carried: (bytes: number) => void = () => undefined,
  ) {
    from.on('data', (data: Buffer) => this.push(data));
    from.on('end', () => {
      this.ended = true;
      this.flush();
    });
  }

  private push(data: Buffer): void {
    for (let at = 0; at < data.length; at += PIECE) {
      const chunk = data.subarray(at, at + PIECE);
      const now = Date.now();
      const sendMs = this.bytesPerSecond ? (chunk.length / this.bytesPerSecond) * 1000 : 0;
      this.lineFreeAt = Math.max(now, this.lineFreeAt) + sendMs;
      this.queue.push({ chunk, due: this.lineFreeAt + this.delayMs });
    }
    if (this.waitingForLine() > HIGH_WATER) this.from.pause();
    this.flush();
  }

  /** Bytes queued that the line has not started sending yet. */
  private waitingForLine(): number {
    if (!this.bytesPerSecond) return 0;
    return (Math.max(0, this.lineFreeAt - Date.now()) * this.bytesPerSecond) / 1000;
  }

  private flush(): void {
    if (this.timer) return;
    const now = Date.now();
    while (this.queue.length && this.queue[0].due <= now) {
      const { chunk } = this.queue.shift()!;
      if (!this.to.destroyed) {
        this.to.write(chunk);
        this.carried(chunk.length);
      }
    }
    if (this.from.isPaused() && this.waitingForLine() <= HIGH_WATER / 2) this.from.resume();
    if (this.queue.length) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.queue[0].due - now);
    } else if (this.ended && !this.to.destroyed) this.to.end();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.queue.length = 0;
  }
}

/** Listens on loopback and carries every connection to `targetPort` over the link. */
export async function startLink(targetPort: number, options: LinkOptions): Promise<Link> {
  const open = new Set<Socket>();
  let bytesToClients = 0;
  const server: Server = createServer((client) => {
    const org = connect(targetPort, '127.0.0.1');
    open.add(client).add(org);
    const half = options.rttMs / 2;
    const lanes = [new Lane(client, org, undefined, half), new Lane(org, client, options.bytesPerSecond, half, (n) => (bytesToClients += n))];
    const close = () => {
      for (const lane of lanes) lane.stop();
      client.destroy();
      org.destroy();
      open.delete(client);
      open.delete(org);
    };
    client.on('error', close).on('close', close);
    org.on('error', close).on('close', () => {
      // What the org sent before closing still crosses the link.
      if (client.writableEnded || client.destroyed) close();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('link: no port');
  return {
    port: address.port,
    get bytesToClients() {
      return bytesToClients;
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
