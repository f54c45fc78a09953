import type { ResourceState } from '../protocol/resource';

/**
 * The one wording of each state, for every client: the CLI (in capitals, see `stateHeadline`),
 * the editor's tree, tooltips, status bar and lineage graph. The wire form ("partially-paused")
 * is for programs; people read these.
 */
const STATE_WORDS: Record<ResourceState, string> = {
  running: 'running',
  pausing: 'pausing',
  paused: 'paused',
  resuming: 'resuming',
  'partially-paused': 'partially paused',
  stopped: 'stopped',
  failed: 'failed',
  unknown: 'unknown',
};

export function stateWords(state: ResourceState): string {
  return STATE_WORDS[state];
}

/** The same words in capitals, as the CLI's tables and status lines show states (after buquet's `status`). */
export function stateHeadline(state: ResourceState): string {
  return stateWords(state).toUpperCase();
}

/** How a state reads at a glance; the CLI turns tones into colours on a terminal. */
export type Tone = 'good' | 'held' | 'moving' | 'bad' | 'muted';

const STATE_TONES: Record<ResourceState, Tone> = {
  running: 'good',
  pausing: 'moving',
  paused: 'held',
  resuming: 'moving',
  'partially-paused': 'held',
  stopped: 'held',
  failed: 'bad',
  unknown: 'muted',
};

export function stateTone(state: ResourceState): Tone {
  return STATE_TONES[state];
}

/** Marks words with a tone (colour on a terminal); `PLAIN` leaves them as they are. */
export type Paint = (tone: Tone, text: string) => string;

export const PLAIN: Paint = (_tone, text) => text;
