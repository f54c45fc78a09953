import type { AgentClient } from '../../client/agentClient';
import { AgentEvents, type AgentEndpoint, type EventsOptions } from '../../client/agentEvents';
import type { FoundAgent } from '../../client/discovery';
import { PauseError } from '../../protocol/errors';
import { ResourceStore } from '../state/resourceStore';
import type { AgentLifecycle } from './agentLifecycle';

export type SessionState = { state: 'starting' } | { state: 'connected' } | { state: 'unreachable'; error: string };

/**
 * The extension's link to the agent: starts or finds it, follows its events into the store,
 * and hands commands the HTTP client of whichever agent is current. The event stream keeps
 * looking for an agent while none answers (one started from the CLI is picked up too), but
 * only the user starts one after the first attempt.
 */
export class AgentSession {
  readonly store = new ResourceStore();
  private readonly events: AgentEvents;
  private readonly listeners = new Set<(state: SessionState) => void>();
  private current: FoundAgent | null = null;
  private currentState: SessionState = { state: 'starting' };
  /** Why the last start failed; more useful than "no agent is running" from later retries. */
  private startError: string | null = null;
  private starting = false;

  constructor(
    private readonly lifecycle: AgentLifecycle,
    private readonly version: string,
    eventsOptions: Partial<EventsOptions> = {},
  ) {
    this.events = new AgentEvents(() => this.endpoint(), eventsOptions);
    this.events.onAny((message) => this.store.apply(message));
    this.events.on('snapshot', () => this.setState({ state: 'connected' }));
    this.events.onStatus((status) => {
      if (status.state !== 'waiting') return;
      this.store.clear();
      // A start in progress will connect shortly; flipping to "unreachable" meanwhile would flicker.
      if (!this.starting) this.setState({ state: 'unreachable', error: this.startError ?? status.error });
    });
  }

  get state(): SessionState {
    return this.currentState;
  }

  onDidChangeState(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Finds or starts the agent and follows it; a failure leaves the session unreachable and is rethrown. */
  async start(): Promise<void> {
    if (this.currentState.state === 'connected') return;
    return this.run(() => this.lifecycle.ensure());
  }

  /** Replaces the running agent (any version) with a fresh one of ours. */
  restart(): Promise<void> {
    return this.run(() => this.lifecycle.restart());
  }

  /** Whether the user is looking (the window has focus): the agent lists fast only then. */
  setWatching(watching: boolean): void {
    this.events.setWatching(watching);
  }

  /** The current agent's HTTP client; fails with a clear message while there is none. */
  api(): AgentClient {
    if (this.currentState.state !== 'connected' || !this.current) {
      throw new PauseError('BackendUnavailable', 'the Pipeline Pause agent is not running; start it from the Pipeline Pause view');
    }
    return this.current.client;
  }

  dispose(): void {
    this.events.close();
    this.listeners.clear();
  }

  private async run(work: () => Promise<FoundAgent>): Promise<void> {
    this.setState({ state: 'starting' });
    this.starting = true;
    try {
      this.current = await work();
      this.startError = null;
    } catch (error) {
      this.startError = (error as Error).message;
      this.setState({ state: 'unreachable', error: this.startError });
      throw error;
    } finally {
      this.starting = false;
      this.events.reconnectNow();
    }
  }

  /** Resolved before every (re)connect, so an agent restarted on another port is found again. */
  private async endpoint(): Promise<AgentEndpoint> {
    const found = await this.lifecycle.find();
    if (!found) throw new Error(`no agent is running (nothing answers for ${this.lifecycle.paths.agentInfo})`);
    if (found.info.version !== this.version) {
      throw new Error(`the running agent is version ${found.info.version} but this extension needs ${this.version}; use "Restart Agent"`);
    }
    this.current = found;
    return { baseUrl: found.client.baseUrl, token: found.token };
  }

  private setState(state: SessionState): void {
    const same = state.state === this.currentState.state && (state.state !== 'unreachable' || state.error === (this.currentState as { error?: string }).error);
    this.currentState = state;
    if (!same) for (const listener of this.listeners) listener(state);
  }
}
