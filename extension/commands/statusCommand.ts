import { formatStatus } from '../../format/resourceText';
import type { TreeNode } from '../tree/treeNodes';
import type { CommandContext } from './commandUi';
import { runWithRetry } from './runAction';
import { targetResource } from './targets';

/** Opens what `pipeline-pause status <resource>` prints, read fresh from the agent. */
export async function showStatusCommand(ctx: CommandContext, node: TreeNode | undefined): Promise<void> {
  const listed = await targetResource(ctx, node, () => true, { title: 'Show the status of which resource?', none: 'The agent lists no resources.' });
  if (!listed) return;
  const resource = await runWithRetry(ctx, { progress: `Reading ${listed.id}`, failure: `Could not read ${listed.id}` }, (api) => api.resource(listed.id));
  if (resource) await ctx.ui.showDocument(formatStatus(resource, ctx.store.presentation(resource.kind), ctx.now()));
}
