import type { Resource } from '../../protocol/resource';

/** Which actions a resource offers right now; tree tokens, pickers and the status bar all ask here. */
export function isPausable(resource: Resource): boolean {
  return resource.capabilities.pause && (resource.state === 'running' || resource.state === 'partially-paused');
}

/** A whole-resource pause exists (scoped pauses are resumed one by one). */
export function isResumable(resource: Resource): boolean {
  return resource.capabilities.resume && resource.pause !== null;
}

/** Counts as paused for the status bar: held in whole or in part, or on its way there. */
export function isPaused(resource: Resource): boolean {
  return resource.state === 'paused' || resource.state === 'pausing' || resource.state === 'partially-paused' || resource.pause !== null;
}

/** The pending auto-resume of the whole-resource pause, if any. */
export function autoResumeAt(resource: Resource): Date | null {
  return resource.pause?.resumeAt ? new Date(resource.pause.resumeAt) : null;
}

export function scopeLabel(scope: Resource['scopedPauses'][number]['scope']): string {
  return scope.type === 'shard' ? `shard ${scope.value}` : `task type ${scope.value}`;
}

/** "partially paused" rather than the wire form "partially-paused". */
export function stateLabel(state: Resource['state']): string {
  return state.replace('-', ' ');
}

/** Anything Resume All would resume: the whole-resource pause or any scoped one. */
export function hasPauses(resource: Resource): boolean {
  return resource.capabilities.resume && (resource.pause !== null || resource.scopedPauses.length > 0);
}
