/**
 * Text from backends and other users reaches terminals and editors: escape sequences could
 * rewrite the screen, and bidirectional overrides make text read other than it is.
 */
const BIDI_CONTROLS = '\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069';
const UNSAFE = new RegExp(`[^\\P{Cc}\\n\\t]|[${BIDI_CONTROLS}]`, 'gu');
const UNSAFE_OR_LINE_BREAK = new RegExp(`[\\p{Cc}${BIDI_CONTROLS}]`, 'gu');

/** Matches text with nothing `singleLine` would escape: for fields typed by users. */
export const NO_CONTROL_CHARACTERS = new RegExp(`^[^\\p{Cc}${BIDI_CONTROLS}]*$`, 'u');

/** Escapes each unsafe character as `\uXXXX` (also a valid JSON escape); line breaks and tabs stay. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escapeCharacter);
}

/** As `printable`, and line breaks and tabs escaped too: for one field on one line (a reason, a name). */
export function singleLine(text: string): string {
  return text.replace(UNSAFE_OR_LINE_BREAK, escapeCharacter);
}

function escapeCharacter(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Every string inside a value (JSON-shaped data: a resource, a snapshot) made printable. For text
 * put together from such data with marks of our own (terminal colours) that `printable` applied
 * to the whole text would escape too.
 */
export function printableData<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map((item) => printableData(item)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, printableData(item)])) as T;
  return value;
}
