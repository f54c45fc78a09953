import { z } from 'zod';

/**
 * The name of a connection in the connections file. It lives here, not with the backends, so
 * the editor checks a name as the agent will while the user types it.
 */
export const connectionName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a connection name is 1-64 letters, digits, "_", "." or "-"');

/**
 * One question the editor asks to add a connection of some kind. Backends describe their own
 * (agent/backends/<system>/index.ts), so the editor asks for a new backend without knowing it.
 * - `text`: the answer as typed; `url`: an absolute URL; `number`: a number (a port, say);
 *   `list`: several values, comma-separated.
 * - `path`: where the answer goes in the connection's entry, e.g. ["kafka", "brokers"].
 * An optional question left empty writes nothing, and the backend's default applies.
 */
export const ConnectionField = z.object({
  path: z.array(z.string().min(1)).min(1),
  input: z.enum(['text', 'url', 'number', 'list']),
  /** What is asked, e.g. "Kafka Connect REST URL". */
  label: z.string(),
  /** The line under the box: what the value is for, what leaving it empty means. */
  prompt: z.string(),
  placeholder: z.string().optional(),
  /** Put in the box to start with (a well-known local port, say). */
  initial: z.string().optional(),
  optional: z.boolean(),
});
export type ConnectionField = z.infer<typeof ConnectionField>;

/** A kind of connection the agent can add, as GET /connection-kinds lists them. */
export const ConnectionKind = z.object({
  kind: z.string(),
  /** The pick's label, e.g. "Kafka Connect cluster". */
  title: z.string(),
  /** The pick's second line: what one connection of this kind lists. */
  detail: z.string(),
  fields: z.array(ConnectionField),
});
export type ConnectionKind = z.infer<typeof ConnectionKind>;

export const ConnectionKindsResponse = z.object({ kinds: z.array(ConnectionKind) });

/** An entry for the connections file, before the agent has checked it against its backend's schema. */
export interface ConnectionCandidate {
  name: string;
  kind: string;
  [key: string]: unknown;
}

/** Body of POST /connections/test: the entry as it would be written to the connections file. */
export interface TestConnectionRequestInput {
  connection: ConnectionCandidate;
}

/**
 * The answer to a connection test that could list: how many resources it found, and the
 * trouble of single resources (a bucket that does not exist) that did not fail the listing.
 * A test that could not list answers with an error body (ApiErrorBody) instead.
 */
export const TestConnectionResponse = z.object({
  ok: z.literal(true),
  resources: z.number().int().nonnegative(),
  problems: z.array(z.string()),
});
export type TestConnectionResponse = z.infer<typeof TestConnectionResponse>;

/** How long the agent lets one connection test list before answering BackendTimeout. */
export const CONNECTION_TEST_TIMEOUT_MS = 20_000;

/** What adding a connection asks of the agent: what it can connect to, and whether a candidate works. */
export interface ConnectionSetupApi {
  connectionKinds(): Promise<ConnectionKind[]>;
  /** Resolves when the candidate lists; rejects with the agent's PauseError (its code and message) when it does not. */
  testConnection(request: TestConnectionRequestInput): Promise<TestConnectionResponse>;
}

/** The answer typed for `field` as it goes in the entry, or undefined for an empty optional one. */
export function fieldValue(field: ConnectionField, text: string): string | number | string[] | undefined {
  const trimmed = text.trim();
  if (field.input === 'list') {
    const values = trimmed.split(/[\s,]+/).filter(Boolean);
    return values.length ? values : undefined;
  }
  if (trimmed === '') return undefined;
  // A number that does not parse stays text, so the agent's schema names the field in its refusal.
  return field.input === 'number' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

/** Why the typed text cannot be an answer to `field`, or undefined when it can (the agent's schema has the last word). */
export function fieldProblem(field: ConnectionField, text: string): string | undefined {
  const value = fieldValue(field, text);
  if (value === undefined) return field.optional ? undefined : `${field.label} is needed`;
  if (field.input === 'url' && !z.url().safeParse(value).success) return `an absolute URL, e.g. ${field.placeholder ?? 'http://127.0.0.1:8080'}`;
  if (field.input === 'number' && typeof value !== 'number') return 'a number';
  return undefined;
}

/** The connection's entry from the answers, by field (answers[i] answers kind.fields[i]). */
export function candidateOf(kind: ConnectionKind, name: string, answers: readonly string[]): ConnectionCandidate {
  const candidate: ConnectionCandidate = { name, kind: kind.kind };
  kind.fields.forEach((field, index) => {
    const value = fieldValue(field, answers[index] ?? '');
    if (value === undefined) return;
    let target: Record<string, unknown> = candidate;
    for (const key of field.path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[field.path[field.path.length - 1]] = value;
  });
  return candidate;
}
