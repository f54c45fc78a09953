import type { CommandContext } from './commandUi';
import { withRetry } from './runAction';

/** What the agent commands need of the session. */
export interface AgentControl {
  start(): Promise<void>;
  restart(): Promise<void>;
}

export async function startAgentCommand(ctx: CommandContext, agent: AgentControl): Promise<void> {
  await withRetry(ctx, { progress: 'Starting the Pipeline Pause agent', failure: 'Could not start the Pipeline Pause agent' }, () => agent.start());
}

/** Pauses live in the backends, so a restart loses none; the new agent reads them back. */
export async function restartAgentCommand(ctx: CommandContext, agent: AgentControl): Promise<void> {
  await withRetry(ctx, { progress: 'Restarting the Pipeline Pause agent', failure: 'Could not restart the Pipeline Pause agent' }, () => agent.restart());
}
