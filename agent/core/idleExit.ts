import type { Logger } from 'pino';
import { humanDuration } from '../../protocol/duration';

/** While something keeps an idle agent up, how often it asks again (never less often than the grace). */
const RECHECK_MAX_MS = 60_000;

/**
 * Ends an agent nobody needs: no websocket client and no HTTP request for `graceMs`, and nothing
 * only the agent can do (`keepAliveReason`: an armed auto-resume, a gateway others call). A
 * client or request that arrives meanwhile cancels the countdown; the next idle spell starts it again.
 */
export class IdleExit {
  private clients = 0;
  private requests = 0;
  private timer: NodeJS.Timeout | null = null;
  private heldBy: string | null = null;
  private done = false;

  constructor(
    private readonly options: {
      graceMs: number;
      keepAliveReason: () => string | null;
      onIdle: (why: string) => void;
      log: Logger;
    },
  ) {}

  start(): void {
    this.arm(this.options.graceMs);
  }

  setClients(count: number): void {
    this.clients = count;
    this.activity();
  }

  requestStarted(): void {
    this.requests += 1;
    this.activity();
  }

  requestEnded(): void {
    this.requests -= 1;
    this.activity();
  }

  stop(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Something happened: the grace period starts over once nobody is left. */
  private activity(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.heldBy = null;
    if (!this.busy()) this.arm(this.options.graceMs);
  }

  private busy(): boolean {
    return this.clients > 0 || this.requests > 0;
  }

  private arm(delayMs: number): void {
    if (this.done) return;
    this.timer = setTimeout(() => this.check(), delayMs);
    this.timer.unref();
  }

  private check(): void {
    this.timer = null;
    if (this.done || this.busy()) return;
    const reason = this.options.keepAliveReason();
    if (reason) {
      if (reason !== this.heldBy) this.options.log.info({ reason }, 'no client, but the agent stays up');
      this.heldBy = reason;
      this.arm(Math.min(this.options.graceMs, RECHECK_MAX_MS));
      return;
    }
    this.done = true;
    this.options.onIdle(`no client, no request and nothing scheduled for ${humanDuration(this.options.graceMs)}`);
  }
}
