import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { CONNECTION_TEST_TIMEOUT_MS, type TestConnectionResponse } from '../../protocol/connections';
import { PauseError } from '../../protocol/errors';
import { parseOrBadRequest } from '../../protocol/requests';
import { findBackend } from '../backends/registry';
import { FRESH_LISTING } from '../backends/types';
import { ConnectionEntry, type ConnectionConfig } from '../config/connectionsFile';

/** Body of POST /connections/test: the candidate is checked by the very schema the connections file is. */
export const TestConnectionRequest = z.object({ connection: ConnectionEntry }).strict();

/** Resources with trouble of their own are named, up to this many, so the answer stays one message. */
const MAX_PROBLEMS = 5;

/**
 * Lists a connection that is not in the connections file yet, once, with its own adapter, so the
 * editor writes only a connection that works. The adapter is the CLI's kind (role `cli`): it
 * takes nothing long-lived (a Querator gateway's port) that the real connection will want, and
 * its metrics go to a registry of its own, not the agent's.
 */
export async function testConnection(body: unknown, deps: { log: Logger; home: string; timeoutMs?: number }): Promise<TestConnectionResponse> {
  const config = parseOrBadRequest(TestConnectionRequest, body).connection as ConnectionConfig;
  const backend = findBackend(config.kind);
  if (!backend) throw new PauseError('BadRequest', `unknown kind "${config.kind}"`);
  const log = deps.log.child({ connectionTest: config.name });
  const adapter = backend.create(config, { log, metrics: new Registry(), role: 'cli', home: deps.home });
  const timeoutMs = deps.timeoutMs ?? CONNECTION_TEST_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new PauseError('BackendTimeout', `no answer within ${timeoutMs / 1000}s; check the address and that the service is up`)), timeoutMs);
  });
  try {
    const resources = await Promise.race([adapter.list(FRESH_LISTING), timeout]);
    const problems = resources.filter((r) => r.lastError).map((r) => `${r.name}: ${r.lastError}`);
    log.info({ kind: config.kind, resources: resources.length, problems: problems.length }, 'connection test listed');
    const more = problems.length > MAX_PROBLEMS ? [`and ${problems.length - MAX_PROBLEMS} more`] : [];
    return { ok: true, resources: resources.length, problems: [...problems.slice(0, MAX_PROBLEMS), ...more] };
  } catch (error) {
    // The backend's own words ("cannot reach S3 at ..."): the caller knows what it tested.
    const failure = error instanceof PauseError ? error : new PauseError('BackendError', (error as Error).message);
    log.info({ kind: config.kind, code: failure.code, err: failure.message }, 'connection test failed');
    throw failure;
  } finally {
    clearTimeout(timer);
    await adapter.close().catch(() => undefined);
  }
}
