import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * What the proxy does to each new connection: pass bytes through, refuse (close at once),
 * delay the backend's answer, blackhole (accept, never answer) or cut the answer after N bytes.
 */
export type Fault = { mode: 'pass' } | { mode: 'refuse' } | { mode: 'delay'; ms: number } | { mode: 'blackhole' } | { mode: 'cut'; afterBytes: number };

/** A TCP proxy in front of one real backend, whose fault can change while it runs. */
export class FaultProxy {
  private fault: Fault = { mode: 'pass' };
  private readonly sockets = new Set<Socket>();
  /** Connections that met a fault other than pass. */
  faultsInjected = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** On a free port, or on `listenPort` (a Kafka listener's advertised port: see sandbox/kafka.ts). */
  static async start(target: { host: string; port: number }, listenPort = 0): Promise<FaultProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenPort, '127.0.0.1', resolve);
    });
    const proxy = new FaultProxy(server, (server.address() as { port: number }).port);
    server.on('connection', (client) => proxy.handle(client, target));
    return proxy;
  }

  /** Applies to connections opened from now on; open ones are dropped so no pooled socket slips past. */
  set(fault: Fault): void {
    this.fault = fault;
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    return socket;
  }

  private handle(client: Socket, target: { host: string; port: number }): void {
    const fault = this.fault;
    this.track(client);
    if (fault.mode !== 'pass') this.faultsInjected++;
    if (fault.mode === 'refuse') return void client.destroy();
    if (fault.mode === 'blackhole') return void client.resume();
    const upstream = this.track(connect(target.port, target.host));
    // A backend that closes after answering must not cut off an answer still held back.
    const lag = fault.mode === 'delay' ? fault.ms : 0;
    upstream.on('close', () => setTimeout(() => client.destroy(), lag));
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    let sent = 0;
    upstream.on('data', (chunk: Buffer) => {
      if (fault.mode === 'cut') {
        const room = fault.afterBytes - sent;
        if (room > 0) client.write(chunk.subarray(0, room));
        sent += chunk.length;
        if (sent >= fault.afterBytes) client.destroy();
      } else if (fault.mode === 'delay') {
        setTimeout(() => client.write(chunk), fault.ms);
      } else {
        client.write(chunk);
      }
    });
  }
}
