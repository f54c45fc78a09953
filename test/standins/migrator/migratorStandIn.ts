import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';

/**
 * THE RELATIONAL MIGRATOR STAND-IN. MongoDB Relational Migrator is proprietary and cannot be
 * installed here, so the tests talk to this instead. It is test code: it lives under test/, no
 * bundle imports it, and it is never shipped.
 *
 * What it reproduces, from the Migrator's REST API reference (1.7.0+) and the product docs
 * ("Pause and Resume Kafka Sync Jobs"):
 * - `GET /api/v1/jobs` (sort, limit, type=IN_PROGRESS, projectId), `POST /api/v1/jobs`,
 *   `GET /api/v1/jobs/{id}`, `POST /api/v1/jobs/{id}/pause | resume | stop`; every call answers
 *   200 with the job: {id, projectId, status, cdcStatus, verificationJobId, options{dropCollections,
 *   mode, errorHandling, errorTolerance}, jdbcConnectionString, mongoDbConnectionString,
 *   submittedAt, statistics{...}, cdcStatistics{startedAt, lastEventTime, eventsInLastHour,
 *   eventsInLastMinute, totalEventsSeen}, failureError, metadata, relationalTableFilters}.
 * - The state rules: only a Kafka-backed continuous job pauses, and only in its CDC stage
 *   (cdcStatus RUNNING); pausing sets status and cdcStatus PAUSED, resuming sets them RUNNING.
 *   Only mode CDC counts as continuous: the reference lists INCREMENTAL as a mode but never says
 *   such jobs are Kafka-backed continuous ones, so they are refused (even with a CDC stage running,
 *   which the stand-in lets them have so the refusal can be seen to come from the mode alone).
 * - Error bodies {jobId, message, description, timestamp} with 400 / 404. With
 *   `legacyErrorCodes` it answers with the custom codes of releases before mid-2026 instead
 *   (432, 434, 470, 471, 473, 480 are documented; WHICH error got which code is not, so the
 *   mapping below is the stand-in's own guess: clients must treat any non-2xx as an error).
 * The message texts are the stand-in's own wording, not the Migrator's.
 * A malformed request body and an unknown /api/v1 route have no documented answer of their own;
 * they get the documented error body too (400 and 404), never Express's 500 or HTML page.
 *
 * What only the stand-in has: routes under `/stand-in/` that move a job between stages (the real
 * Migrator does that by itself as the snapshot finishes) and switch Kafka support off.
 */

export type JobStatus = 'NOT_STARTED' | 'RUNNING' | 'FAILED' | 'CANCELLING' | 'CANCELLED' | 'COMPLETED' | 'CLEANING_UP' | 'PAUSED';
export type CdcStatus = 'NOT_STARTED' | 'RUNNING' | 'COMPLETING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'PAUSED';
export type JobMode = 'SNAPSHOT' | 'CDC' | 'INCREMENTAL';

export interface StandInOptions {
  /** The Migrator runs with Kafka support (pause needs it). Default true. */
  kafka?: boolean;
  /** Answer with pre-mid-2026 custom status codes instead of 400 / 404. */
  legacyErrorCodes?: boolean;
  /** Change events captured per second while a job's CDC stage runs. Default 5. */
  eventsPerSecond?: number;
  port?: number;
}

interface JobRecord {
  id: string;
  projectId: string;
  status: JobStatus;
  cdcStatus: CdcStatus;
  mode: JobMode;
  submittedAt: string;
  jdbcConnectionString: string;
  mongoDbConnectionString: string;
  relationalTableFilters: unknown;
  failureError: string | null;
  cdcStartedAt: string | null;
  /** Events counted before the current running stretch, and when that stretch began. */
  eventsBefore: number;
  runningSince: number | null;
  lastEventAt: number | null;
}

type Stage = 'cdc' | 'completing' | 'completed' | 'failed';

const LEGACY_CODES = { notFound: 434, cannotPause: 470, cannotResume: 471, cannotStop: 473, badRequest: 432 } as const;

class MigratorError extends Error {
  constructor(
    readonly status: number,
    readonly legacy: number,
    message: string,
    readonly description: string,
    readonly jobId: string | null,
  ) {
    super(message);
  }
}

export class RelationalMigratorStandIn {
  readonly jobs = new Map<string, JobRecord>();
  /** Every request of the Migrator's own API, in order ("POST /api/v1/jobs/<id>/pause"). */
  readonly requests: string[] = [];
  /**
   * Stand-in only: called with each API request (as `requests` records it) before it is handled,
   * so a test can change a job between the agent's read of it and its next call.
   */
  onRequest: ((request: string) => void) | null = null;
  kafka: boolean;
  legacyErrorCodes: boolean;
  private readonly eventsPerSecond: number;
  private server: Server | null = null;
  port = 0;

  private constructor(options: StandInOptions) {
    this.kafka = options.kafka ?? true;
    this.legacyErrorCodes = options.legacyErrorCodes ?? false;
    this.eventsPerSecond = options.eventsPerSecond ?? 5;
  }

  static async start(options: StandInOptions = {}): Promise<RelationalMigratorStandIn> {
    const standIn = new RelationalMigratorStandIn(options);
    await standIn.listen(options.port ?? 0);
    return standIn;
  }

  /** Base URL, as a connection's `url` names it (the API is under /api/v1). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** POST /api/v1/jobs without HTTP: a job RUNNING in its snapshot stage. */
  submit(options: { projectId?: string; mode?: JobMode; submittedAt?: Date } = {}): Record<string, unknown> {
    const record: JobRecord = {
      id: randomUUID(),
      projectId: options.projectId ?? 'stand-in-project',
      status: 'RUNNING',
      cdcStatus: 'NOT_STARTED',
      mode: options.mode ?? 'CDC',
      submittedAt: (options.submittedAt ?? new Date()).toISOString(),
      jdbcConnectionString: 'jdbc:postgresql://127.0.0.1:5432/standin',
      mongoDbConnectionString: 'mongodb://127.0.0.1:27017/standin',
      relationalTableFilters: null,
      failureError: null,
      cdcStartedAt: null,
      eventsBefore: 0,
      runningSince: null,
      lastEventAt: null,
    };
    this.jobs.set(record.id, record);
    return this.view(record);
  }

  /** The job as GET /api/v1/jobs/{id} answers it, read directly (tests check the stand-in's state this way). */
  job(id: string): Record<string, unknown> {
    return this.view(this.record(id));
  }

  /**
   * Stand-in only: the snapshot finished and the CDC stage runs (`cdc`), the CDC stage is winding
   * down (`completing`: status RUNNING, cdcStatus COMPLETING), the job ended (`completed`), or it
   * failed (`failed`). A snapshot-only job completes instead of entering CDC.
   */
  setStage(id: string, stage: Stage, failureError = 'Stand-in failure: the source database closed the connection'): Record<string, unknown> {
    const job = this.record(id);
    const now = Date.now();
    this.freeze(job, now);
    if (stage === 'cdc' && job.mode !== 'SNAPSHOT') {
      Object.assign(job, { status: 'RUNNING', cdcStatus: 'RUNNING', cdcStartedAt: new Date(now).toISOString(), runningSince: now });
    } else if (stage === 'completing' && job.mode !== 'SNAPSHOT') {
      Object.assign(job, { status: 'RUNNING', cdcStatus: 'COMPLETING', cdcStartedAt: job.cdcStartedAt ?? new Date(now).toISOString() });
    } else if (stage === 'failed') {
      Object.assign(job, { status: 'FAILED', cdcStatus: job.cdcStatus === 'NOT_STARTED' ? 'NOT_STARTED' : 'FAILED', failureError });
    } else {
      Object.assign(job, { status: 'COMPLETED', cdcStatus: job.mode === 'SNAPSHOT' ? 'NOT_STARTED' : 'COMPLETED' });
    }
    return this.view(job);
  }

  private record(id: string): JobRecord {
    const job = this.jobs.get(id);
    if (!job) throw new MigratorError(404, LEGACY_CODES.notFound, 'Job not found', `There is no sync job with id ${id}`, id);
    return job;
  }

  private pause(id: string): Record<string, unknown> {
    const job = this.record(id);
    const refuse = (description: string) => new MigratorError(400, LEGACY_CODES.cannotPause, 'Job cannot be paused', description, id);
    if (!this.kafka) throw refuse('Pausing a sync job requires Relational Migrator to run with Kafka support');
    if (job.mode !== 'CDC') throw refuse(`Only continuous (CDC mode) sync jobs can be paused; this job's mode is ${job.mode}`);
    if (job.status === 'PAUSED' || job.cdcStatus === 'PAUSED') throw new MigratorError(400, LEGACY_CODES.cannotPause, 'Job is already paused', `Job ${id} was paused before`, id);
    if (job.status !== 'RUNNING') throw refuse(`The job is ${job.status}`);
    if (job.cdcStatus !== 'RUNNING') throw refuse(`The job is not in its CDC stage${job.cdcStatus === 'NOT_STARTED' ? ' yet' : ''}; its cdcStatus is ${job.cdcStatus}`);
    this.freeze(job, Date.now());
    Object.assign(job, { status: 'PAUSED', cdcStatus: 'PAUSED' });
    return this.view(job);
  }

  private resume(id: string): Record<string, unknown> {
    const job = this.record(id);
    if (job.cdcStatus !== 'PAUSED') throw new MigratorError(400, LEGACY_CODES.cannotResume, 'Job is not paused', `Only a paused job can resume (cdcStatus ${job.cdcStatus})`, id);
    Object.assign(job, { status: 'RUNNING', cdcStatus: 'RUNNING', runningSince: Date.now() });
    return this.view(job);
  }

  private stop(id: string): Record<string, unknown> {
    const job = this.record(id);
    if (['COMPLETED', 'CANCELLED', 'FAILED'].includes(job.status)) throw new MigratorError(400, LEGACY_CODES.cannotStop, 'Job has already ended', `The job is ${job.status}`, id);
    this.freeze(job, Date.now());
    Object.assign(job, { status: 'COMPLETED', cdcStatus: job.cdcStatus === 'NOT_STARTED' ? 'NOT_STARTED' : 'COMPLETED' });
    return this.view(job);
  }

  /** Ends a running stretch: its events are counted and no more accrue. */
  private freeze(job: JobRecord, now: number): void {
    if (job.runningSince === null) return;
    const events = Math.floor(((now - job.runningSince) / 1000) * this.eventsPerSecond);
    job.eventsBefore += events;
    if (events > 0) job.lastEventAt = now;
    job.runningSince = null;
  }

  private view(job: JobRecord): Record<string, unknown> {
    const now = Date.now();
    const running = job.runningSince !== null;
    const current = running ? Math.floor(((now - job.runningSince!) / 1000) * this.eventsPerSecond) : 0;
    const lastEventAt = running && current > 0 ? now : job.lastEventAt;
    const perMinute = running ? Math.round(this.eventsPerSecond * 60) : 0;
    return {
      id: job.id,
      projectId: job.projectId,
      status: job.status,
      cdcStatus: job.cdcStatus,
      verificationJobId: null,
      options: { dropCollections: false, mode: job.mode, errorHandling: 'SKIP', errorTolerance: 0 },
      jdbcConnectionString: job.jdbcConnectionString,
      mongoDbConnectionString: job.mongoDbConnectionString,
      submittedAt: job.submittedAt,
      statistics: { totalRows: 1000, migratedRows: job.cdcStatus === 'NOT_STARTED' && job.status === 'RUNNING' ? 400 : 1000 },
      cdcStatistics: {
        startedAt: job.cdcStartedAt,
        lastEventTime: lastEventAt === null ? null : new Date(lastEventAt).toISOString(),
        eventsInLastHour: running ? Math.min(job.eventsBefore + current, perMinute * 60) : 0,
        eventsInLastMinute: perMinute,
        totalEventsSeen: job.eventsBefore + current,
      },
      failureError: job.failureError,
      metadata: { standIn: 'Relational Migrator stand-in (test/standins/migrator)' },
      relationalTableFilters: job.relationalTableFilters,
    };
  }

  private async listen(port: number): Promise<void> {
    const app = express();
    app.use(express.json());
    const api = express.Router();
    api.use((request, _response, next) => {
      const line = `${request.method} /api/v1${request.path}`;
      this.requests.push(line);
      this.onRequest?.(line);
      next();
    });
    api.get('/jobs', (request, response) => {
      const { limit, projectId, type } = request.query as Record<string, string | undefined>;
      let jobs = [...this.jobs.values()].sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
      if (projectId) jobs = jobs.filter((j) => j.projectId === projectId);
      if (type === 'IN_PROGRESS') jobs = jobs.filter((j) => !['COMPLETED', 'CANCELLED', 'FAILED'].includes(j.status));
      if (limit !== undefined) jobs = jobs.slice(0, Math.max(0, Number(limit) || 0));
      response.json(jobs.map((j) => this.view(j)));
    });
    api.post('/jobs', (request, response) => {
      const body = (request.body ?? {}) as { projectId?: unknown; options?: { mode?: unknown } };
      if (typeof body.projectId !== 'string' || !body.projectId) throw new MigratorError(400, LEGACY_CODES.badRequest, 'Invalid job request', 'projectId is required', null);
      const mode = body.options?.mode ?? 'CDC';
      if (mode !== 'SNAPSHOT' && mode !== 'CDC' && mode !== 'INCREMENTAL') throw new MigratorError(400, LEGACY_CODES.badRequest, 'Invalid job request', `Unknown mode ${String(mode)}`, null);
      response.json(this.submit({ projectId: body.projectId, mode }));
    });
    api.get('/jobs/:id', (request, response) => void response.json(this.job(String(request.params.id))));
    api.post('/jobs/:id/pause', (request, response) => void response.json(this.pause(String(request.params.id))));
    api.post('/jobs/:id/resume', (request, response) => void response.json(this.resume(String(request.params.id))));
    api.post('/jobs/:id/stop', (request, response) => void response.json(this.stop(String(request.params.id))));
    // Undocumented case: the documented 404 body rather than Express's HTML page. Every path and
    // method without a route lands here (405 is not among the documented codes either).
    api.use((request) => {
      throw new MigratorError(404, LEGACY_CODES.notFound, 'Not found', `There is no API endpoint ${request.method} /api/v1${request.path}`, null);
    });
    app.use('/api/v1', api);

    // Stand-in controls: not part of the Migrator's API.
    app.post('/stand-in/jobs', (request, response) => void response.json(this.submit((request.body ?? {}) as { projectId?: string; mode?: JobMode })));
    app.post('/stand-in/jobs/:id/stage', (request, response) => {
      const { stage, failureError } = (request.body ?? {}) as { stage?: Stage; failureError?: string };
      response.json(this.setStage(String(request.params.id), stage ?? 'cdc', failureError));
    });
    app.post('/stand-in/settings', (request, response) => {
      const { kafka, legacyErrorCodes } = (request.body ?? {}) as { kafka?: boolean; legacyErrorCodes?: boolean };
      if (kafka !== undefined) this.kafka = kafka;
      if (legacyErrorCodes !== undefined) this.legacyErrorCodes = legacyErrorCodes;
      response.json({ kafka: this.kafka, legacyErrorCodes: this.legacyErrorCodes });
    });

    app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
      const failure = error instanceof MigratorError ? error : bodyError(error) ?? new MigratorError(500, 500, 'Internal error', (error as Error)?.message ?? String(error), null);
      response
        .status(this.legacyErrorCodes && failure.status < 500 ? failure.legacy : failure.status)
        .json({ jobId: failure.jobId, message: failure.message, description: failure.description, timestamp: new Date().toISOString() });
    });

    const server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(port, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)));
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }
}

/**
 * express.json()'s refusals (malformed JSON, a body too large, a bad charset) carry a 4xx status
 * and a `type` starting "entity.". The reference documents no answer for them, so they get the
 * documented error body with 400, the code it documents for a bad request.
 */
function bodyError(error: unknown): MigratorError | null {
  const { status, type, message } = (error ?? {}) as { status?: unknown; type?: unknown; message?: unknown };
  if (typeof status !== 'number' || status < 400 || status >= 500 || typeof type !== 'string' || !type.startsWith('entity.')) return null;
  return new MigratorError(400, LEGACY_CODES.badRequest, 'Invalid request body', `The request body could not be read: ${String(message)}`, null);
}
