import { z } from 'zod';
import { parseDuration } from './duration';
import { PauseError } from './errors';
import { Scope } from './resource';

const durationText = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** Body of POST .../pause. `resumeAfter` is resolved against the backend's clock, not ours. */
export const PauseRequest = z
  .object({
    reason: z.string().trim().min(1).max(1024).optional(),
    pausedBy: z.string().trim().min(1).max(256).optional(),
    resumeAfter: durationText.optional(),
    resumeAt: z.iso.datetime({ offset: true, message: 'resumeAt must be an RFC 3339 time, e.g. 2026-01-29T06:00:00Z' }).optional(),
    force: z.boolean().default(false),
    scope: Scope.optional(),
  })
  .strict()
  .refine((r) => !(r.resumeAfter !== undefined && r.resumeAt !== undefined), {
    message: 'give either resumeAfter or resumeAt, not both',
  });
export type PauseRequestInput = z.input<typeof PauseRequest>;
export type PauseRequest = z.output<typeof PauseRequest>;

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
  .object({
    reason: z.string().trim().min(1).max(1024).optional(),
    pausedBy: z.string().trim().min(1).max(256).optional(),
  })
  .strict();
export type StopRequestInput = z.input<typeof StopRequest>;
export type StopRequest = z.output<typeof StopRequest>;

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
