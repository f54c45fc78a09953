import type { Resource } from '../../protocol/resource';

/** Which actions a resource offers right now; tree tokens, pickers and the status bar all ask here. */
export function isPausable(resource: Resource): boolean {
  return resource.capabilities.pause && (resource.state === 'running' || resource.state === 'partially-paused');
}

/** Offers Stop (capabilities.stop): a Kafka Connect connector that is not stopped already. */
export function isStoppable(resource: Resource): boolean {
  return resource.capabilities.stop === true && resource.state !== 'stopped' && resource.state !== 'unknown';
}

/** Held now (paused, on its way, or stopped): what a retention deadline counts against. */
export function isHeld(resource: Resource): boolean {
  return resource.pause !== null || ['paused', 'pausing', 'partially-paused', 'stopped'].includes(resource.state);
}

/** When held data starts to be lost (retention), if the backend can tell. */
export function dataLossDeadline(resource: Resource): Date | null {
  return resource.backlog.dataLossAt ? new Date(resource.backlog.dataLossAt) : null;
}

/** How close a data-loss deadline turns warnings on, unless the setting says otherwise. */
export const DEFAULT_DATA_LOSS_WARNING_MS = 60 * 60_000;

/** A whole-resource pause exists (scoped pauses are resumed one by one). */
export function isResumable(resource: Resource): boolean {
  return resource.capabilities.resume && resource.pause !== null;
}

/** Counts as paused for the status bar: held in whole or in part, or on its way there. */
export function isPaused(resource: Resource): boolean {
  return resource.state === 'paused' || resource.state === 'pausing' || resource.state === 'partially-paused' || resource.pause !== null;
}

/** The pending auto-resume of the whole-resource pause, if any: one the backend refused is not pending. */
export function autoResumeAt(resource: Resource): Date | null {
  return resource.pause?.resumeAt && !resource.pause.autoResumeRefused ? new Date(resource.pause.resumeAt) : null;
}

export function scopeLabel(scope: Resource['scopedPauses'][number]['scope']): string {
  return scope.type === 'shard' ? `shard ${scope.value}` : `task type ${scope.value}`;
}

/** Anything Resume All would resume: the whole-resource pause or any scoped one. */
export function hasPauses(resource: Resource): boolean {
  return resource.capabilities.resume && (resource.pause !== null || resource.scopedPauses.length > 0);
}

/** Writes to a Kafka topic, so its latest records can be peeked at (ksqlDB queries, Connect sources). */
export function hasOutputTopics(resource: Resource): boolean {
  return resource.lineage.outputs.some((output) => output.startsWith('kafka-topic:'));
}
