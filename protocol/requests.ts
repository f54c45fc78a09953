import { z } from 'zod';
import { checkResumeAtHorizon, parseDuration } from './duration';
import { PauseError } from './errors';
import { NO_CONTROL_CHARACTERS } from './printable';
import { Scope } from './resource';

const durationText = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** Text shown to every user of the resource: one line, nothing a terminal would act on. */
function shownText(max: number) {
  return z.string().trim().min(1).max(max).regex(NO_CONTROL_CHARACTERS, 'one line of text, without control or bidirectional-override characters');
}

/** Who paused or stopped: anyone but the agent itself, whose `agent:` name marks its own actions (auto-resume). */
const pausedBy = shownText(256).refine((who) => !/^agent:/i.test(who), 'names starting with "agent:" are the agent\'s own; say who you are, e.g. user:alice');
const reason = shownText(1024);

const resumeAtText = z.iso
  .datetime({ offset: true, message: 'resumeAt must be an RFC 3339 time, e.g. 2026-01-29T06:00:00Z' })
  .superRefine((text, ctx) => {
    // zod runs this even when the format check failed; that check has already said why
    if (Number.isNaN(Date.parse(text))) return;
    const problem = checkResumeAtHorizon(new Date(text), new Date());
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Who, why and until when: the same for a pause of one resource and of a group. */
const pauseDetailFields = {
  reason: reason.optional(),
  pausedBy: pausedBy.optional(),
  resumeAfter: durationText.optional(),
  resumeAt: resumeAtText.optional(),
};
const oneResumeTime = [
  (r: { resumeAfter?: number; resumeAt?: string }) => !(r.resumeAfter !== undefined && r.resumeAt !== undefined),
  { message: 'give either resumeAfter or resumeAt, not both' },
] as const;

/** Body of POST .../pause. `resumeAfter` is resolved against the backend's clock, not ours. */
export const PauseRequest = z
  .object({ ...pauseDetailFields, force: z.boolean().default(false), scope: Scope.optional() })
  .strict()
  .refine(...oneResumeTime);
export type PauseRequestInput = z.input<typeof PauseRequest>;
export type PauseRequest = z.output<typeof PauseRequest>;

/**
 * Body of POST .../pause-upstream: everything that feeds the resource is paused as one group,
 * with one reason and one auto-resume time (resolved once, so every member resumes together).
 */
export const PauseUpstreamRequest = z
  .object({ ...pauseDetailFields, name: shownText(128).optional() })
  .strict()
  .refine(...oneResumeTime);
export type PauseUpstreamRequestInput = z.input<typeof PauseUpstreamRequest>;
export type PauseUpstreamRequest = z.output<typeof PauseUpstreamRequest>;

export const ResumeRequest = z
  .object({
    force: z.boolean().default(false),
    scope: Scope.optional(),
  })
  .strict();
export type ResumeRequestInput = z.input<typeof ResumeRequest>;
export type ResumeRequest = z.output<typeof ResumeRequest>;

/** Body of POST .../stop: who and why, as for a pause; a stop has no auto-resume. */
export const StopRequest = z
  .object({ reason: reason.optional(), pausedBy: pausedBy.optional() })
  .strict();
export type StopRequestInput = z.input<typeof StopRequest>;
export type StopRequest = z.output<typeof StopRequest>;

/** Query of GET /resources/:connection/:name: `exact=true` counts the whole backlog where a listing counts a capped part. */
/** A yes/no query parameter: `?exact=true`. */
const queryFlag = z.enum(['true', 'false']).transform((value) => value === 'true').optional();

export const ResourceRequest = z.object({ exact: queryFlag }).strict();
export type ResourceRequest = z.output<typeof ResourceRequest>;

/** `fresh`: list every connection now (within a short wait) rather than answer the last listing. */
export const SnapshotRequest = z.object({ fresh: queryFlag }).strict();

/** One line from a zod failure, for CLI output and HTTP 400 bodies. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** Validates input against a schema, failing with a BadRequest that names every problem. */
export function parseOrBadRequest<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) throw new PauseError('BadRequest', describeIssues(parsed.error));
  return parsed.data;
}
