import { randomBytes } from 'node:crypto';
import type { PauseGroupRef, Resource } from '../../protocol/resource';
import type { Journal, JournalEntry } from './journal';

/**
 * Pause groups ("pause upstream of X") live in the journal: each member's pause entry names its
 * group. A resource belongs to a group while its latest pause is still that entry, so a member
 * resumed by hand and paused again by someone else has left the group, and resuming the group
 * never touches that newer pause.
 */
export function newPauseGroup(target: Resource, name: string | undefined, now = new Date()): PauseGroupRef {
  return { id: `g-${now.getTime().toString(36)}-${randomBytes(3).toString('hex')}`, name: name ?? `upstream of ${target.name}`, target: target.id };
}

/** The resources with what only the journal knows: the pause group, and a refused auto-resume. */
export async function withPauseGroups(resources: Resource[], journal: Journal): Promise<Resource[]> {
  await journal.refresh();
  return resources.map((resource) => ({
    ...resource,
    pause: withRefusal(resource.pause, journal.indexedRefusal(resource.id)),
    pauseGroup: currentGroup(resource, journal.indexed(resource.id)),
  }));
}

/** A refusal belongs to the pause it was scheduled for (same version); a newer pause is armed afresh. */
function withRefusal(pause: Resource['pause'], refusal: JournalEntry | null): Resource['pause'] {
  if (!pause?.resumeAt || !refusal?.error || refusal.version === null || refusal.version !== pause.version) return pause;
  return { ...pause, autoResumeRefused: refusal.error };
}

function currentGroup(resource: Resource, latest: JournalEntry | null): PauseGroupRef | null {
  if (!latest?.group || latest.action !== 'pause' || !resource.pause) return null;
  // A backend that stores its own pause (S3) may show a newer pause made with other tools.
  if (latest.pausedAt && Date.parse(latest.pausedAt) !== Date.parse(resource.pause.pausedAt)) return null;
  return latest.group;
}

/** The journal's pause entries still holding members of `groupId`, oldest first. */
export async function groupMembers(journal: Journal, groupId: string): Promise<JournalEntry[]> {
  await journal.refresh();
  return journal
    .activePauses()
    .filter((entry) => entry.action === 'pause' && entry.group?.id === groupId)
    .sort((a, b) => a.at.localeCompare(b.at));
}

/** Groups made by pausing upstream of `target` that still hold at least one member. */
export async function groupsTargeting(journal: Journal, target: string): Promise<PauseGroupRef[]> {
  await journal.refresh();
  const groups = new Map<string, PauseGroupRef>();
  for (const entry of journal.activePauses()) {
    if (entry.action === 'pause' && entry.group?.target === target) groups.set(entry.group.id, entry.group);
  }
  return [...groups.values()];
}
