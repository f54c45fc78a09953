import { connect as connectTcp, isIP } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

const KEEP_ALIVE_DELAY_MS = 60_000;

/**
 * kafkajs's own socket, except that a throw from its frame decoder ends that one connection
 * instead of the process. kafkajs decodes in the socket's 'data' listener, and an answer cut
 * mid-frame (a proxy or broker dying while it answers) makes it read past the buffer: a
 * RangeError thrown in an event listener, uncaught, that took the whole agent down (see
 * tulios/kafkajs#715). Destroying the socket with the error makes kafkajs fail the requests on
 * it, as for any broken connection, and the next look connects afresh.
 */
export const guardedSocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl ? connectTls({ host, port, ...(isIP(host) ? {} : { servername: host }), ...(ssl as object) }, onConnect) : connectTcp({ host, port }, onConnect);
  socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
  const on = socket.on.bind(socket);
  socket.on = ((event: string, listener: (chunk: Buffer) => void) => {
    if (event !== 'data') return on(event, listener);
    return on('data', (chunk: Buffer) => {
      try {
        listener(chunk);
      } catch (error) {
        socket.destroy(error as Error);
      }
    });
  }) as typeof socket.on;
  return socket;
};
