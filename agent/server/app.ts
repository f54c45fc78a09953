import { setTimeout as sleep } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { DeployRequest } from '../../protocol/deploy';
import { HTTP_STATUS, PauseError } from '../../protocol/errors';
import { API_PREFIX, OPERATION_HEADER, type ProgressAction, type Snapshot } from '../../protocol/messages';
import { parseOrBadRequest, PauseRequest, PauseUpstreamRequest, ResourceRequest, ResumeRequest, SnapshotRequest, StopRequest } from '../../protocol/requests';
import { PeekRequest } from '../../protocol/peek';
import { connectionKinds } from '../backends/registry';
import type { AgentCore } from '../core/agentCore';
import type { BulkProgress } from '../core/bulk';
import { trackProgress } from '../core/progress';
import { checkRequest } from './security';

/** How long `GET /snapshot?fresh=true` waits for every connection's listing before it answers. */
const FRESH_SNAPSHOT_WAIT_MS = 3000;

/** The agent's HTTP API; every route sits behind the same host, origin and token checks. */
export function createApp(options: { core: AgentCore; token: string; port: () => number; metrics: Registry; log: Logger; snapshot: () => Snapshot; onShutdown: () => void }): express.Express {
  const { core } = options;
  const app = express();
  app.disable('x-powered-by');
  app.use((request, _response, next) => next(checkRequest(request, options.token, options.port) ?? undefined));
  app.use(refuseNonJsonBodies);
  app.use(express.json({ limit: '64kb' }));

  /** A long operation, its progress pushed to every client under the id its caller sent (see ProgressMessage). */
  const tracked = async <T>(request: Request, action: ProgressAction, work: (onProgress: BulkProgress) => Promise<T>): Promise<T> => {
    const progress = trackProgress((message) => core.store.publish(message), action, request.get(OPERATION_HEADER));
    try {
      return await work(progress.onProgress);
    } finally {
      progress.end();
    }
  };

  const api = express.Router();
  api.get('/health', (_request, response) => {
    response.json({ ok: true, ...options.snapshot().agent });
  });
  api.get('/snapshot', async (request, response) => {
    // A CLI `list` wants what is true now, not an idle agent's listing of up to a minute ago; a
    // connection slower than the wait keeps its last listing (and its slow or failing status).
    if (parseOrBadRequest(SnapshotRequest, request.query).fresh) await Promise.race([core.listAllNow().catch(() => undefined), sleep(FRESH_SNAPSHOT_WAIT_MS, undefined, { ref: false })]);
    response.json(options.snapshot());
  });
  api.get('/resources/:connection/:name', async (request, response) => {
    const { exact } = parseOrBadRequest(ResourceRequest, request.query);
    response.json({ resource: await core.service.get(resourceParam(request), { exactCounts: exact }) });
  });
  api.get('/resources/:connection/:name/peek', async (request, response) => {
    response.json(await core.service.peek(resourceParam(request), parseOrBadRequest(PeekRequest, request.query)));
  });
  api.post('/resources/:connection/:name/pause', async (request, response) => {
    const id = resourceParam(request);
    const pause = await core.service.pause(id, parseOrBadRequest(PauseRequest, request.body));
    response.json({ pause, resource: await core.refreshed(id) });
  });
  api.post('/resources/:connection/:name/resume', async (request, response) => {
    const id = resourceParam(request);
    const outcome = await core.service.resume(id, parseOrBadRequest(ResumeRequest, request.body));
    response.json({ previous: outcome.previous, resource: await core.refreshed(id) });
  });
  api.post('/resources/:connection/:name/stop', async (request, response) => {
    const id = resourceParam(request);
    const pause = await core.service.stop(id, parseOrBadRequest(StopRequest, request.body));
    response.json({ pause, resource: await core.refreshed(id) });
  });
  api.post('/resources/:connection/:name/pause-upstream', async (request, response) => {
    const body = parseOrBadRequest(PauseUpstreamRequest, request.body);
    const outcome = await tracked(request, 'pause-upstream', async (onProgress) => {
      const paused = await core.service.pauseUpstream(resourceParam(request), body, onProgress);
      await core.refreshAll();
      return paused;
    });
    response.json(outcome);
  });
  api.post('/resources/:connection/:name/resume-upstream', async (request, response) => {
    const results = await tracked(request, 'resume-upstream', async (onProgress) => {
      const resumed = await core.service.resumeUpstream(resourceParam(request), onProgress);
      await core.refreshAll();
      return resumed;
    });
    response.json({ results });
  });
  api.post('/groups/:group/resume', async (request, response) => {
    const results = await tracked(request, 'resume-group', async (onProgress) => {
      const resumed = await core.service.resumeGroup(String(request.params.group), onProgress);
      await core.refreshAll();
      return resumed;
    });
    response.json({ results });
  });
  api.get('/connection-kinds', (_request, response) => {
    response.json({ kinds: connectionKinds() });
  });
  api.post('/connections/test', async (request, response) => {
    response.json(await core.testConnection(request.body));
  });
  api.post('/connections/:connection/pause-all', async (request, response) => {
    const body = parseOrBadRequest(PauseRequest, request.body);
    response.json({ results: await tracked(request, 'pause-all', (onProgress) => core.pauseAll(String(request.params.connection), body, onProgress)) });
  });
  api.post('/connections/:connection/resume-all', async (request, response) => {
    const body = parseOrBadRequest(ResumeRequest, request.body);
    response.json({ results: await tracked(request, 'resume-all', (onProgress) => core.resumeAll([String(request.params.connection)], body, onProgress)) });
  });
  api.post('/connections/:connection/deploy', async (request, response) => {
    response.json(await core.deploy(String(request.params.connection), parseOrBadRequest(DeployRequest, request.body)));
  });
  api.post('/resume-all', async (request, response) => {
    const body = parseOrBadRequest(ResumeRequest, request.body);
    response.json({ results: await tracked(request, 'resume-all', (onProgress) => core.resumeAll(null, body, onProgress)) });
  });
  api.post('/refresh', async (_request, response) => {
    await core.refreshAll();
    response.json(options.snapshot());
  });
  api.get('/journal', async (request, response) => {
    const limit = Math.min(Math.max(Number(request.query.limit ?? 200) || 200, 1), 10_000);
    response.json({ entries: (await core.journal.read()).slice(-limit) });
  });
  api.post('/shutdown', (_request, response) => {
    response.json({ ok: true });
    options.onShutdown();
  });
  app.use(API_PREFIX, api);

  app.get('/metrics', async (_request, response) => {
    response.type(options.metrics.contentType).send(await options.metrics.metrics());
  });

  app.use((request, _response, next) => next(new PauseError('NotFound', `no route ${request.method} ${request.path}`)));
  // express needs all four parameters to recognise an error handler
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const { failure, status } = toFailure(error);
    if (failure.code === 'Internal') options.log.error({ err: error }, 'request failed');
    response.status(status).json(failure.toBody());
  });
  return app;
}

function resourceParam(request: Request): string {
  return `${String(request.params.connection)}/${String(request.params.name)}`;
}

/**
 * A body the JSON parser would skip (text/plain, a form) must not reach a route as "no body":
 * that turned `{"resumeAfter":"1m"}` sent as text into a pause with no end. Nor may another
 * charset: a stray byte in UTF-16 decodes to nothing, again a pause with no end. No body at
 * all stays allowed; the CLI and extension always send UTF-8 JSON with its content type.
 */
function refuseNonJsonBodies(request: Request, _response: Response, next: NextFunction): void {
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (request.method !== 'POST' || !hasBody) return next();
  const type = request.headers['content-type'] ?? 'none';
  const charset = /;\s*charset="?([^";\s]+)/i.exec(type)?.[1].toLowerCase() ?? 'utf-8';
  if (request.is('application/json') && (charset === 'utf-8' || charset === 'utf8')) return next();
  next(Object.assign(new PauseError('BadRequest', `request body has content type ${type}; send it as application/json in UTF-8`), { status: 415 }));
}

/** Our error body and its HTTP status; body-parser errors keep their 4xx status with our wording. */
function toFailure(error: unknown): { failure: PauseError; status: number } {
  const { status, type } = error as { status?: number; type?: string };
  if (error instanceof PauseError) return { failure: error, status: status ?? HTTP_STATUS[error.code] };
  const badRequest = (message: string) => ({ failure: new PauseError('BadRequest', message), status: status ?? 400 });
  if (type === 'entity.parse.failed') return badRequest('request body is not valid JSON');
  if (type === 'entity.too.large') return badRequest('request body is too large (64 kB at most)');
  if (type === 'encoding.unsupported') return badRequest(`${(error as Error).message}; send the body uncompressed`);
  if (status !== undefined && status >= 400 && status < 500) return badRequest(`the request body could not be read (${type ?? 'bad request'}); send it as UTF-8 JSON`);
  return { failure: new PauseError('Internal', `internal error: ${(error as Error)?.message ?? String(error)}; see the agent log`), status: 500 };
}
