import type { LineagePanel } from '../lineage/lineagePanel';
import type { TreeNode } from '../tree/treeNodes';
import type { CommandContext } from './commandUi';
import { targetResource } from './targets';

/** Opens (or points the one open) lineage graph at the clicked or picked resource's pipeline. */
export async function showLineageCommand(ctx: CommandContext, node: TreeNode | undefined, panel: LineagePanel): Promise<void> {
  const resource = await targetResource(ctx, node, () => true, { title: 'Show the lineage of which resource?', none: 'The agent lists no resources.' });
  if (resource) panel.show(resource.id);
}
