import { setTimeout as sleep } from 'node:timers/promises';
import { findAgent, type FoundAgent } from '../../client/discovery';
import { PauseError } from '../../protocol/errors';
import type { AgentPaths } from '../../protocol/paths';
import { lastLogEntry } from './agentLog';

/** A started agent process: its pid and a promise of its exit code (null when killed by a signal). */
export interface LaunchedAgent {
  pid: number | undefined;
  exited: Promise<number | null>;
}

export interface LifecycleOptions {
  paths: AgentPaths;
  /** Our version; an agent of another version is stopped and replaced. */
  version: string;
  launch: () => LaunchedAgent;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  pollMs?: number;
}

/**
 * Finds the agent or starts one, like confluentinc/vscode's sidecar manager: health check
 * first, spawn only if absent, one pending start shared by every concurrent caller, and an
 * agent of another version replaced by ours.
 */
export class AgentLifecycle {
  private pending: Promise<FoundAgent> | null = null;

  constructor(private readonly options: LifecycleOptions) {}

  get paths(): AgentPaths {
    return this.options.paths;
  }

  /** A running agent that answers its health check, whatever its version, or null. */
  find(): Promise<FoundAgent | null> {
    return findAgent(this.options.paths);
  }

  /** A running agent of our version, started if need be. */
  ensure(): Promise<FoundAgent> {
    this.pending ??= this.findOrStart().finally(() => (this.pending = null));
    return this.pending;
  }

  /** Stops whatever agent runs now (if any) and starts ours. */
  restart(): Promise<FoundAgent> {
    this.pending ??= (async () => {
      const found = await this.find();
      if (found) await this.stop(found);
      return this.launchAndWait();
    })().finally(() => (this.pending = null));
    return this.pending;
  }

  /** Asks the agent to shut down; kills it by pid if it still answers after stopTimeoutMs. */
  async stop(agent: FoundAgent): Promise<void> {
    try {
      await agent.client.shutdown();
    } catch {
      // an agent that cannot take the request is handled by the pid below
    }
    if (await this.gone(agent)) return;
    try {
      process.kill(agent.info.pid, 'SIGTERM');
    } catch {
      // already exited
    }
    if (!(await this.gone(agent))) {
      throw new PauseError('Conflict', `the agent (pid ${agent.info.pid}) does not stop; end it by hand, then start again`);
    }
  }

  private async findOrStart(): Promise<FoundAgent> {
    const found = await this.find();
    if (found && found.info.version === this.options.version) return found;
    if (found) await this.stop(found);
    return this.launchAndWait();
  }

  private async launchAndWait(): Promise<FoundAgent> {
    const { paths, startTimeoutMs = 20_000, pollMs = 200 } = this.options;
    const launched = this.options.launch();
    let exitCode: number | null | undefined;
    void launched.exited.then((code) => (exitCode = code));
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      const found = await findAgent(paths, 500);
      if (found && found.info.version === this.options.version) return found;
      if (exitCode !== undefined) {
        const last = await lastLogEntry(paths.log);
        throw new PauseError('BackendUnavailable', `the agent exited (code ${exitCode}) before it was ready${last ? `: ${last.message.replace(/^error: /, '')}` : ''}; see ${paths.log}`);
      }
      await sleep(pollMs);
    }
    throw new PauseError('BackendUnavailable', `the agent did not start within ${startTimeoutMs / 1000}s; see ${paths.log}`);
  }

  /** True once the agent stops answering its health check. */
  private async gone(agent: FoundAgent): Promise<boolean> {
    const deadline = Date.now() + (this.options.stopTimeoutMs ?? 5000);
    while (Date.now() < deadline) {
      try {
        await agent.client.health(500);
      } catch {
        return true;
      }
      await sleep(this.options.pollMs ?? 200);
    }
    return false;
  }
}
