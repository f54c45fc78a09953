/** A zero-based document position, as vscode.Position holds it. */
export interface DocPosition {
  line: number;
  character: number;
}

/**
 * Where in the document ksqlDB's `line L:C` (1-based, counted from the statement's first
 * character) falls; null when the server gave no position, so the whole statement is marked.
 */
export function problemPosition(statementStart: DocPosition, line: number | null, column: number | null): DocPosition | null {
  if (line === null || column === null || line < 1 || column < 1) return null;
  if (line === 1) return { line: statementStart.line, character: statementStart.character + column - 1 };
  return { line: statementStart.line + line - 1, character: column - 1 };
}
