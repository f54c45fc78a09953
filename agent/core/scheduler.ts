import type { Logger } from 'pino';
import { isPermanentRefusal, PauseError } from '../../protocol/errors';
import type { Resource, Scope } from '../../protocol/resource';
import type { PauseService } from './service';

interface Scheduled {
  version: string;
  resumeAt: number;
  /** null once the backend refused for good: kept so the next listing does not re-arm it. */
  timer: NodeJS.Timeout | null;
}

/** setTimeout cannot wait longer than this; longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long after a failed auto-resume it is tried again, unless the failure is permanent. */
export const RETRY_MS = 10_000;

/**
 * Runs auto-resumes for every pause that carries a resume time, whoever made it. It follows the
 * observed state, so after an agent restart the first listing re-arms every pending auto-resume
 * and runs the overdue ones at once.
 */
export class ResumeScheduler {
  private readonly scheduled = new Map<string, Scheduled>();
  private stopped = false;
  private readonly retryMs: number;

  constructor(
    private readonly service: Pick<PauseService, 'autoResume'>,
    private readonly log: Logger,
    private readonly onResumed: (resourceId: string) => void,
    timing: { retryMs?: number } = {},
  ) {
    this.retryMs = timing.retryMs ?? RETRY_MS;
  }

  /** Re-arms timers to match the pauses of one connection's fresh listing. */
  sync(connection: string, resources: Resource[]): void {
    this.reconcile((key) => key.startsWith(`${connection}/`), resources);
  }

  /** sync for one resource read on its own: only its own auto-resumes (whole and scoped) change. */
  syncResource(resource: Resource): void {
    this.reconcile((key) => key === resource.id || key.startsWith(`${resource.id}#`), [resource]);
  }

  private reconcile(covers: (key: string) => boolean, resources: Resource[]): void {
    const wanted = new Map<string, { id: string; scope: Scope | null; version: string; resumeAt: number }>();
    for (const resource of resources) {
      if (resource.state === 'unknown') continue;
      const pauses = [{ scope: null as Scope | null, pause: resource.pause }, ...resource.scopedPauses];
      for (const { scope, pause } of pauses) {
        if (!pause?.resumeAt || !pause.version) continue;
        wanted.set(scheduleKey(resource.id, scope), { id: resource.id, scope, version: pause.version, resumeAt: Date.parse(pause.resumeAt) });
      }
    }
    for (const [key, entry] of this.scheduled) {
      if (covers(key) && wanted.get(key)?.version !== entry.version) this.cancel(key);
    }
    for (const [key, want] of wanted) {
      if (!this.scheduled.has(key)) this.arm(key, want.id, want.scope, want.version, want.resumeAt);
    }
  }

  /** When this connection's pending auto-resumes are due (epoch ms); refused ones wait for no one. */
  resumeTimes(connection: string): number[] {
    return [...this.scheduled].filter(([key, entry]) => entry.timer && key.startsWith(`${connection}/`)).map(([, entry]) => entry.resumeAt);
  }

  /** How many auto-resumes are armed: the agent must stay up for them. */
  pendingCount(): number {
    return [...this.scheduled.values()].filter((entry) => entry.timer).length;
  }

  /** Cancels every auto-resume of a connection that is no longer configured. */
  forget(connection: string): void {
    for (const key of [...this.scheduled.keys()]) if (key.startsWith(`${connection}/`)) this.cancel(key);
  }

  stop(): void {
    this.stopped = true;
    for (const key of [...this.scheduled.keys()]) this.cancel(key);
  }

  private arm(key: string, id: string, scope: Scope | null, version: string, resumeAt: number): void {
    const delay = resumeAt - Date.now();
    if (delay <= 0) {
      this.log.info({ resource: id, scope, resumeAt: new Date(resumeAt).toISOString(), overdueMs: -delay }, 'auto-resume overdue: resuming now');
    } else {
      this.log.info({ resource: id, scope, resumeAt: new Date(resumeAt).toISOString() }, 'auto-resume scheduled');
    }
    const timer = setTimeout(() => {
      if (resumeAt - Date.now() > 0) {
        this.scheduled.delete(key);
        this.arm(key, id, scope, version, resumeAt); // a wait longer than one timer allows
        return;
      }
      void this.fire(key, id, scope, version, delay <= 0 ? 'overdue at agent start or first sight' : 'on time');
    }, Math.min(Math.max(delay, 0), MAX_TIMER_MS));
    timer.unref();
    this.scheduled.set(key, { version, resumeAt, timer });
  }

  private async fire(key: string, id: string, scope: Scope | null, version: string, note: string): Promise<void> {
    if (this.stopped) return;
    try {
      const outcome = await this.service.autoResume(id, scope, version, note);
      if (outcome.notYetMs && this.scheduled.get(key)?.version === version) {
        this.log.info({ resource: id, scope, notYetMs: outcome.notYetMs }, "auto-resume early by the backend's clock; waiting for it");
        this.scheduled.delete(key);
        this.arm(key, id, scope, version, Date.now() + outcome.notYetMs);
        return;
      }
      if (outcome.resumed) this.log.info({ resource: id, scope, note }, 'auto-resumed');
      else this.log.info({ resource: id, scope }, 'auto-resume skipped: the pause it was scheduled for was replaced or removed');
      if (this.scheduled.get(key)?.version === version) this.scheduled.delete(key); // not a newer pause armed meanwhile
      this.onResumed(id);
    } catch (error) {
      const entry = this.scheduled.get(key);
      if (this.stopped || entry?.version !== version) return; // cancelled meanwhile: nothing to retry
      const code = error instanceof PauseError ? error.code : null;
      if (isPermanentRefusal(error)) {
        // Asking again would only repeat the refusal. The entry stays, so listings do not re-arm
        // this pause; a new pause (new version) or an agent restart arms it again.
        this.log.error({ resource: id, scope, code, err: (error as Error).message }, 'auto-resume refused by the backend; not retried while this pause lasts');
        this.scheduled.set(key, { ...entry, timer: null });
        return;
      }
      // Leave the entry so the next listing does not re-arm a tight loop; retry after a pause.
      this.log.warn({ resource: id, scope, code, err: (error as Error).message }, `auto-resume failed; retrying in ${this.retryMs / 1000} s`);
      const timer = setTimeout(() => void this.fire(key, id, scope, version, `${note}, retried`), this.retryMs);
      timer.unref();
      this.scheduled.set(key, { version, resumeAt: Date.now(), timer });
    }
  }

  private cancel(key: string): void {
    const entry = this.scheduled.get(key);
    if (entry?.timer) clearTimeout(entry.timer);
    this.scheduled.delete(key);
  }
}

function scheduleKey(id: string, scope: Scope | null): string {
  return scope ? `${id}#${scope.type}:${scope.value}` : id;
}
