import { directFeeders } from '../../protocol/lineage';
import type { PauseDetails, PauseGroupRef, Resource } from '../../protocol/resource';

/** A group made by "Pause upstream", as the tree shows it: one row to resume, its members below. */
export interface PauseGroupView {
  ref: PauseGroupRef;
  members: Resource[];
}

/** The groups that still hold at least one member, by name. */
export function pauseGroupsIn(resources: readonly Resource[]): PauseGroupView[] {
  const groups = new Map<string, PauseGroupView>();
  for (const resource of resources) {
    if (!resource.pauseGroup) continue;
    const group = groups.get(resource.pauseGroup.id) ?? { ref: resource.pauseGroup, members: [] };
    group.members.push(resource);
    groups.set(resource.pauseGroup.id, group);
  }
  return [...groups.values()].sort((a, b) => a.ref.name.localeCompare(b.ref.name) || a.ref.id.localeCompare(b.ref.id));
}

/** The pause the group's row shows (its members were paused as one): its reason and auto-resume. */
export function groupPause(group: PauseGroupView): PauseDetails | null {
  return group.members.find((m) => m.pause)?.pause ?? null;
}

/** What a row needs to know about its neighbours to offer "Pause upstream" / "Resume upstream". */
export interface UpstreamFacts {
  hasUpstream: boolean;
  upstreamPaused: boolean;
}

export function upstreamFacts(resources: readonly Resource[]): (id: string) => UpstreamFacts {
  const feeders = directFeeders(resources);
  const targets = new Set(resources.flatMap((r) => (r.pauseGroup ? [r.pauseGroup.target] : [])));
  return (id) => ({ hasUpstream: (feeders.get(id)?.size ?? 0) > 0, upstreamPaused: targets.has(id) });
}
