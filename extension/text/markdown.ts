/** Text from the agent (reasons, errors, names) shown literally inside Markdown. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/** "2026-01-29 06:00:00Z": ISO without the milliseconds and the T, for people. */
export function readableTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+(?=Z|[+-]\d\d:\d\d$)/, '');
}
