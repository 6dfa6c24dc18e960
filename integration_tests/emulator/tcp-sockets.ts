/**
 * A real TCP RST, over HTTPS too. A TLS socket cannot be reset (Node refuses: its handle is the TLS
 * layer), and destroying it closes the connection cleanly with a FIN, which is not what a client
 * sees when a load balancer drops a connection. The TCP socket under it can be reset, but Node does
 * not expose it, so the TLS server's raw connections are remembered by their peer address.
 */
import type { Server, Socket } from 'node:net';
import { Server as TlsServer, TLSSocket } from 'node:tls';

const peer = (socket: Socket) => `${socket.remoteAddress ?? ''}|${socket.remotePort ?? ''}`;

export class TcpSockets {
  private readonly byPeer = new Map<string, Socket>();

  watch(server: Server): void {
    if (!(server instanceof TlsServer)) return;
    server.on('connection', (raw: Socket) => {
      const key = peer(raw);
      this.byPeer.set(key, raw);
      raw.once('close', () => {
        // The peer port may already belong to a newer connection.
        if (this.byPeer.get(key) === raw) this.byPeer.delete(key);
      });
    });
  }

  /** Resets the connection (the client reads ECONNRESET); destroys it where a reset is impossible. */
  reset(socket: Socket | null): void {
    if (!socket) return;
    const tcp = socket instanceof TLSSocket ? this.byPeer.get(peer(socket)) : socket;
    try {
      if (!tcp) throw new Error('no TCP socket');
      tcp.resetAndDestroy();
    } catch {
      socket.destroy();
      return;
    }
    // The TLS layer above a reset TCP socket must go too, or it waits for bytes that never come.
    if (tcp !== socket) socket.destroy();
  }
}
