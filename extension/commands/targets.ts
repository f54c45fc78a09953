import { namedResource, type Resource } from '../../protocol/resource';
import { resourceDescription } from '../tree/resourceItemModel';
import type { TreeNode } from '../tree/treeNodes';
import type { CommandContext, PickItem } from './commandUi';

/**
 * The resource a command acts on: the clicked row, or (from the palette) one picked among
 * those in the right state. Undefined when there is none or the user cancelled.
 */
export interface Prompt {
  title: string;
  /** Said when nothing is in the right state. */
  none: string;
  /** For actions that change nothing (peek): with one candidate, take it without asking. */
  takeSoleCandidate?: boolean;
}

export async function targetResource(ctx: CommandContext, node: TreeNode | undefined, accept: (r: Resource) => boolean, prompt: Prompt): Promise<Resource | undefined> {
  if (node?.kind === 'resource' || node?.kind === 'group-member') {
    const resource = ctx.store.resource(node.id);
    if (!resource) await ctx.ui.showInfo(`${node.id} is no longer listed by the agent.`);
    return resource;
  }
  const candidates = await candidatesOrSay(ctx, accept, prompt.none);
  if (candidates?.length === 1 && prompt.takeSoleCandidate) return candidates[0];
  return candidates && ctx.ui.pickOne(candidates.map((r) => resourcePick(r, ctx)), prompt.title);
}

/** Several resources picked at once (palette and status bar). */
export async function targetResources(ctx: CommandContext, accept: (r: Resource) => boolean, prompt: Prompt): Promise<Resource[] | undefined> {
  const candidates = await candidatesOrSay(ctx, accept, prompt.none);
  const picked = candidates && (await ctx.ui.pickMany(candidates.map((r) => resourcePick(r, ctx)), prompt.title));
  return picked?.length ? picked : undefined;
}

/** The clicked connection row, or one picked among those with a resource in the right state. */
export async function targetConnection(ctx: CommandContext, node: TreeNode | undefined, accept: (r: Resource) => boolean, prompt: Prompt): Promise<string | undefined> {
  if (node?.kind === 'connection') return node.name;
  const names = ctx.store.connections().map((c) => c.name).filter((name) => ctx.store.resourcesOf(name).some(accept));
  if (!names.length) {
    await ctx.ui.showInfo(prompt.none);
    return undefined;
  }
  return ctx.ui.pickOne(names.map((name) => ({ label: name, description: `${ctx.store.resourcesOf(name).filter(accept).length} resources`, value: name })), prompt.title);
}

function resourcePick(resource: Resource, ctx: CommandContext): PickItem<Resource> {
  const reason = resource.pause?.reason;
  return { label: namedResource(resource), description: resourceDescription(resource, ctx.store.presentation(resource.kind), ctx.now()), detail: reason ? `Reason: ${reason}` : undefined, value: resource };
}

async function candidatesOrSay(ctx: CommandContext, accept: (r: Resource) => boolean, none: string): Promise<Resource[] | undefined> {
  const candidates = ctx.store
    .resources()
    .filter(accept)
    .sort((a, b) => a.id.localeCompare(b.id));
  if (candidates.length) return candidates;
  await ctx.ui.showInfo(none);
  return undefined;
}
