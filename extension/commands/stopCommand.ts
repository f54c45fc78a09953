import { displayName, namedResource } from '../../protocol/resource';
import { isStoppable } from '../state/resourcePredicates';
import type { TreeNode } from '../tree/treeNodes';
import type { CommandContext } from './commandUi';
import { runWithRetry } from './runAction';
import { targetResource } from './targets';

/**
 * Stop (Kafka Connect's PUT /stop): stronger than a pause, the connector's tasks are shut down and
 * removed until Resume starts them again. Always confirmed, in its backend's words.
 */
export async function stopCommand(ctx: CommandContext, node: TreeNode | undefined): Promise<void> {
  const resource = await targetResource(ctx, node, isStoppable, { title: 'Stop which resource?', none: 'Nothing is running that can be stopped.' });
  if (!resource) return;
  const detail = ctx.store.presentation(resource.kind).stopEffect?.replace('{name}', displayName(resource)) ?? `${namedResource(resource)} stops until you resume it.`;
  if (!(await ctx.ui.confirm(`Stop ${namedResource(resource)}?`, detail, 'Stop'))) return;
  await runWithRetry(ctx, { progress: `Stopping ${namedResource(resource)}`, failure: `Could not stop ${namedResource(resource)}` }, (api) => api.stop(resource.id, {}));
}
