import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PauseError } from '../../protocol/errors';

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Checks one request against the agent's rules: loopback Host only (DNS rebinding), no browser
 * Origin (our clients are Node processes, so any Origin is a web page), and the bearer token.
 * Returns the failure, or null when the request may proceed.
 */
export function checkRequest(request: IncomingMessage, token: string, port: () => number): PauseError | null {
  const host = request.headers.host ?? '';
  const allowedHosts = [`127.0.0.1:${port()}`, `localhost:${port()}`];
  if (!allowedHosts.includes(host.toLowerCase())) {
    return new PauseError('Forbidden', `host "${host}" is not this agent; connect to 127.0.0.1:${port()}`);
  }
  if (request.headers.origin !== undefined) {
    return new PauseError('Forbidden', `cross-origin requests are refused (origin ${request.headers.origin})`);
  }
  const presented = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!presented || !sameSecret(presented, token)) {
    return new PauseError('Unauthorized', 'missing or wrong agent token; read it from the agent.token file in the Pipeline Pause home');
  }
  return null;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
