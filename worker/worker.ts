import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { createStore, toPauseError, type QueueStore } from '../buquet/client';
import type { WorkerStatus } from '../buquet/heartbeat';
import type { Scope } from '../protocol/resource';
import type { TaskRecord } from '../buquet/task';
import { updateTask } from '../buquet/taskStore';
import { complete, holdsLease, retryOrFail } from '../buquet/transitions';
import { Claimer } from './claimer';
import { describeFailure, RetryableError } from './errors';
import { recoverExpiredLeases } from './leaseRecovery';
import { resolveSettings, type WorkerOptions, type WorkerSettings } from './options';
import { PauseGate, permitFor, type Permit } from './pauseGate';
import { Registration } from './registration';

export type TaskHandler = (input: unknown, task: TaskRecord) => unknown;
export type TaskOutcome = 'completed' | 'retried' | 'failed';

export interface WorkerEvents {
  /** A task was claimed; `startedAt` (Date.now()) is when its claim began, right after the pause check let it. */
  claimed: [task: TaskRecord, startedAt: number];
  'task-finished': [task: TaskRecord, outcome: TaskOutcome];
  status: [status: WorkerStatus];
}

/**
 * A buquet-compatible worker that honours the pause of seed 003: it checks the pause (cached
 * for a TTL) before every claim, sleeps while paused, lets a running task finish, and reports
 * idle / busy / paused in its heartbeat.
 */
export class QueueWorker extends EventEmitter<WorkerEvents> {
  readonly id: string;
  private readonly settings: WorkerSettings;
  private readonly store: QueueStore;
  private readonly handlers = new Map<string, TaskHandler>();
  private readonly gate: PauseGate;
  private readonly claimer: Claimer;
  private readonly registration: Registration;
  private readonly stopping = new AbortController();
  private current: WorkerStatus = 'idle';
  private currentTask: string | null = null;
  private counts = { completed: 0, failed: 0 };
  private leaseCheckDueAt = 0;
  /** Heartbeat writes, one after another, so the last one written always carries the latest status. */
  private beats: Promise<void> = Promise.resolve();

  constructor(options: WorkerOptions) {
    super();
    this.settings = resolveSettings(options);
    this.id = this.settings.workerId;
    this.store = createStore(this.settings);
    const concerns = (scope: Scope) => (scope.type === 'shard' ? this.settings.shards.includes(scope.value) : this.handlers.has(scope.value));
    this.gate = new PauseGate(this.store, this.settings.bucket, { ttlMs: this.settings.pauseCacheTtlMs, log: this.settings.log, concerns });
    this.claimer = new Claimer(this.store, this.settings.bucket, this.id, (task, startedAt) => this.emit('claimed', task, startedAt));
    this.registration = new Registration(this.store, this.settings.bucket, this.id, this.settings.shards);
  }

  /** Registers the handler for one task type; the worker claims only types it has handlers for. */
  handle(taskType: string, handler: TaskHandler): this {
    this.handlers.set(taskType, handler);
    return this;
  }

  get status(): WorkerStatus {
    return this.current;
  }

  /** S3 requests this worker has sent, by command. */
  requestCounts(): Record<string, number> {
    return this.store.requestCounts();
  }

  /** Claims and runs tasks until stop() (or SIGTERM / SIGINT); resolves once deregistered. */
  async run(): Promise<void> {
    if (this.handlers.size === 0) throw new Error('register at least one handler with handle() before run()');
    const stop = () => this.stop();
    if (this.settings.handleSignals) for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, stop);
    this.settings.log.info({ workerId: this.id, bucket: this.settings.bucket, taskTypes: [...this.handlers.keys()] }, 'Worker started');
    try {
      await this.heartbeat().catch((error: unknown) => {
        throw toPauseError(error, this.store, this.settings.bucket); // registering is the first request: say plainly why it failed
      });
      const beating = this.keepBeating();
      while (!this.stopping.signal.aborted) await this.cycle();
      await beating;
    } finally {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.off(signal, stop);
      await this.registration.remove().catch((error: unknown) => this.settings.log.warn({ error: this.describeS3Failure(error) }, 'Could not remove the worker registration'));
      this.store.s3.destroy();
      this.settings.log.info({ workerId: this.id, ...this.counts }, 'Worker stopped');
    }
  }

  /** Stops claiming; a running task finishes first, then run() resolves. */
  stop(): void {
    this.stopping.abort();
  }

  private async cycle(): Promise<void> {
    try {
      await this.recoverLeasesWhenDue();
      const task = await this.claimer.claimNext(() => this.permit());
      if (task) return await this.execute(task);
    } catch (error) {
      this.settings.log.warn({ error: this.describeS3Failure(error) }, 'S3 request failed; trying again after the poll interval');
    }
    await sleep(this.settings.pollIntervalMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
  }

  /** The pause check before each claim; records paused / idle as it goes. */
  private async permit(): Promise<Permit | null> {
    const permit = permitFor(await this.gate.current(), this.settings.shards, [...this.handlers.keys()]);
    await this.setStatus(permit ? 'idle' : 'paused');
    return permit;
  }

  private async execute(claimed: TaskRecord): Promise<void> {
    this.currentTask = claimed.id;
    await this.setStatus('busy');
    let finish: (task: TaskRecord, now: Date) => TaskRecord;
    try {
      const output = await this.handlers.get(claimed.task_type)?.(claimed.input, claimed);
      finish = (task, now) => complete(task, now, output);
    } catch (error) {
      finish = (task, now) => retryOrFail(task, now, describeFailure(error), error instanceof RetryableError);
    }
    const finished = await updateTask(this.store, this.settings.bucket, claimed, (task, now) => (holdsLease(task, claimed.lease_id) ? finish(task, now) : null)).finally(() => {
      this.currentTask = null;
    });
    if (!finished) {
      this.settings.log.warn({ taskId: claimed.id }, 'The task lease was lost before it finished (another worker took it over); result dropped');
      return;
    }
    const outcome: TaskOutcome = finished.status === 'pending' ? 'retried' : finished.status === 'completed' ? 'completed' : 'failed';
    if (outcome === 'completed') this.counts.completed++;
    if (outcome === 'failed') this.counts.failed++;
    this.emit('task-finished', finished, outcome);
  }

  private async recoverLeasesWhenDue(): Promise<void> {
    // While paused no one claims, so leases can wait: a paused worker only watches the pause.
    if (performance.now() < this.leaseCheckDueAt || this.current === 'paused') return;
    this.leaseCheckDueAt = performance.now() + this.settings.leaseCheckIntervalMs;
    const recovered = await recoverExpiredLeases(this.store, this.settings.bucket, new Set(this.settings.shards));
    if (recovered) this.settings.log.info({ recovered }, 'Requeued tasks whose lease expired');
  }

  /** On its own timer, so a long task shows as busy with its id while it runs. */
  private async keepBeating(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      await sleep(this.settings.heartbeatIntervalMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      if (!this.stopping.signal.aborted) await this.heartbeat().catch((error: unknown) => this.settings.log.warn({ error: this.describeS3Failure(error) }, 'Heartbeat failed'));
    }
  }

  private heartbeat(): Promise<void> {
    this.beats = this.beats
      .catch(() => undefined)
      .then(() => this.registration.beat({ status: this.current, currentTask: this.currentTask, tasksCompleted: this.counts.completed, tasksFailed: this.counts.failed }));
    return this.beats;
  }

  /** The agent's one-line reading of an S3 failure (unreachable, refused credentials, missing bucket). */
  private describeS3Failure(error: unknown): string {
    return toPauseError(error, this.store, this.settings.bucket).message;
  }

  /** Entering or leaving `paused` is written at once, so status and the tree show it without waiting for a heartbeat. */
  private async setStatus(status: WorkerStatus): Promise<void> {
    if (status === this.current) return;
    const pauseChanged = status === 'paused' || this.current === 'paused';
    this.current = status;
    this.emit('status', status);
    if (pauseChanged) await this.heartbeat();
  }
}
