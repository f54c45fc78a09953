import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { freePort, spawnService, stopProcessGroup, waitForPort } from '../../sandbox/process';
import { services } from './sandboxFixture';

/**
 * A stand-in for an S3-compatible server that lacks conditional writes: a proxy that drops
 * If-Match / If-None-Match before a real moto (run without credential checks, since dropping
 * signed headers would otherwise break the signature).
 */
export async function startServerWithoutConditionalWrites(logDir: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const upstreamPort = await freePort();
  const logFile = join(logDir, 'moto-no-conditional.log');
  const pid = spawnService(join(services().python.bin, 'moto_server'), ['-H', '127.0.0.1', '-p', String(upstreamPort)], { logFile });
  await waitForPort(upstreamPort, 30_000, 'moto (no auth)', logFile);
  const proxy: Server = createServer((incoming, outgoing) => {
    const headers = { ...incoming.headers };
    delete headers['if-match'];
    delete headers['if-none-match'];
    const forward = request({ host: '127.0.0.1', port: upstreamPort, method: incoming.method, path: incoming.url, headers }, (reply) => {
      outgoing.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(outgoing);
    });
    forward.on('error', () => outgoing.destroy());
    incoming.pipe(forward);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await stopProcessGroup(pid);
    },
  };
}
