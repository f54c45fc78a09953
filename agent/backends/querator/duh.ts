import { encodeDuhReply } from './protobuf';

/**
 * DUH-RPC as Querator v0.0.11 speaks it (github.com/duh-rpc/duh-go v0.9.1), observed against the
 * real server:
 * - a request body is JSON (protojson) when Content-Type, cut at the first ';' or ',', trimmed and
 *   lower-cased, is "", "*\/*", "application/*" or "application/json"; protobuf when it is
 *   "application/protobuf"; anything else is answered 455;
 * - a reply is JSON or protobuf by the same rule applied to Accept;
 * - the retry reply is status 454 with the status line "454 status code 454" (Go has no text for
 *   it), headers Content-Type, X-Content-Type-Options: nosniff, Date, Content-Length, and the body
 *   `{"code":454,"code_text":"Retry Request","message":"..."}` (protojson leaves out the empty
 *   `details`), or the same `Reply` message in protobuf.
 */
export type BodyFormat = 'json' | 'protobuf' | 'other';

export const RETRY_CODE = 454;
export const RETRY_CODE_TEXT = 'Retry Request';
export const RETRY_STATUS_LINE = 'status code 454';
/** What the gateway says when a held call's request_timeout passes; clients act on the code alone. */
export const PAUSED_RETRY_MESSAGE = 'request timeout; queue is paused, try again';

export function mediaFormat(header: string | undefined): BodyFormat {
  const value = header ?? '';
  const cut = value.search(/[;,]/);
  const mime = (cut >= 0 ? value.slice(0, cut) : value).trim().toLowerCase();
  if (mime === '' || mime === '*/*' || mime === 'application/*' || mime === 'application/json') return 'json';
  if (mime === 'application/protobuf') return 'protobuf';
  return 'other';
}

/**
 * Go's protojson adds a space after every comma of single-line output in some builds and not in
 * others (it is decided per binary, to keep people from depending on the bytes). The gateway
 * learns the server's choice from the JSON replies it forwards, so its own retry reply has the
 * same bytes as the server's.
 */
export class JsonStyle {
  private separator: ',' | ', ' = ',';
  private learned = false;

  /** Looks at the start of a protojson reply such as `{"code":400,"code_text":...}`. */
  observe(body: Buffer | string): void {
    if (this.learned) return;
    const head = (typeof body === 'string' ? body : body.subarray(0, 256).toString('utf8'));
    const match = /^\{"[A-Za-z_]+":(?:-?\d+|true|false|"(?:[^"\\]|\\.)*"),( ?)"/.exec(head);
    if (!match) return;
    this.separator = match[1] === ' ' ? ', ' : ',';
    this.learned = true;
  }

  get isLearned(): boolean {
    return this.learned;
  }

  get comma(): string {
    return this.separator;
  }
}

export interface RetryReply {
  contentType: string;
  body: Buffer;
}

/** Querator's retry reply in the format the caller's Accept asks for (JSON when it asks for neither). */
export function retryReply(accept: string | undefined, message: string, style: JsonStyle): RetryReply {
  if (mediaFormat(accept) === 'protobuf') {
    return { contentType: 'application/protobuf', body: encodeDuhReply(RETRY_CODE, RETRY_CODE_TEXT, message) };
  }
  const c = style.comma;
  const json = `{"code":${RETRY_CODE}${c}"code_text":${JSON.stringify(RETRY_CODE_TEXT)}${c}"message":${JSON.stringify(message)}}`;
  return { contentType: 'application/json', body: Buffer.from(json, 'utf8') };
}

/** Parses a DUH-RPC error reply (JSON) for messages; null when it is not one. */
export function readDuhError(text: string): { code: number; message: string } | null {
  try {
    const parsed = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof parsed.code !== 'number') return null;
    return { code: parsed.code, message: typeof parsed.message === 'string' ? parsed.message : '' };
  } catch {
    return null;
  }
}
