import { z } from 'zod';
import type { PauseDetails } from '../protocol/resource';
import { isoSeconds } from '../protocol/pausePolicy';

/** The control object exactly as seed 003 specifies it; field order is kept when written. */
const PauseState = z.object({
  paused_at: z.iso.datetime({ offset: true }),
  paused_by: z.string(),
  reason: z.string().nullable().default(null),
  resume_at: z.iso.datetime({ offset: true }).nullable().default(null),
});
type PauseState = z.infer<typeof PauseState>;


export function encodePauseState(details: { pausedAt: Date; pausedBy: string; reason: string | null; resumeAt: Date | null }): string {
  const state: PauseState = {
    paused_at: isoSeconds(details.pausedAt),
    paused_by: details.pausedBy,
    reason: details.reason,
    resume_at: details.resumeAt ? isoSeconds(details.resumeAt) : null,
  };
  return JSON.stringify(state);
}

/** Throws with a readable message when the object is not the seed's JSON. */
export function decodePauseState(body: string, version: string | null): PauseDetails {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error('control object is not JSON');
  }
  const parsed = PauseState.safeParse(json);
  if (!parsed.success) {
    throw new Error(`control object does not match the pause format: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const state = parsed.data;
  return {
    pausedAt: new Date(state.paused_at).toISOString(),
    pausedBy: state.paused_by,
    reason: state.reason,
    resumeAt: state.resume_at ? new Date(state.resume_at).toISOString() : null,
    version,
  };
}
