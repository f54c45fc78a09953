import { createColors } from 'picocolors';
import type { Formatter } from 'picocolors/types';
import { PLAIN, type Paint, type Tone } from '../format/stateWords';

/**
 * Whether to colour one output stream. NO_COLOR (any non-empty value, no-color.org) wins, then
 * FORCE_COLOR ("0" or "false" turns colour off, anything else on), else only a terminal that is
 * not "dumb" gets colour. picocolors' own check also colours any stream under CI, pipes included,
 * which would put escape codes into files and other programs' input: so the decision is made here.
 */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** The colour of each tone; `PLAIN` when colour is off. */
export function colourPaint(enabled: boolean): Paint {
  if (!enabled) return PLAIN;
  const colours = createColors(true);
  const tones: Record<Tone, Formatter> = { good: colours.green, held: colours.yellow, moving: colours.cyan, bad: colours.red, muted: colours.dim };
  return (tone, text) => tones[tone](text);
}
