import { applyEdits, modify, parseTree, findNodeAtLocation, type FormattingOptions, type ParseError } from 'jsonc-parser';
import type { ConnectionCandidate } from '../../protocol/connections';

/**
 * Edits of the connections file's text that keep everything else as it was: the other
 * connections byte for byte, their order, the file's indentation and line ends.
 */

/** The names the file's connections have, as far as it parses: a name to avoid is never missed. */
export function connectionNamesIn(text: string | null): string[] {
  const connections = text === null ? undefined : connectionsNode(text).node;
  return (connections?.children ?? [])
    .map((entry) => findNodeAtLocation(entry, ['name'])?.value)
    .filter((name): name is string => typeof name === 'string');
}

/**
 * The file's text with `connection` last in its "connections". No file yet, or one that is still
 * the untouched example (which points nowhere real), starts from `files.empty`. Throws an Error
 * saying what to fix when the file cannot take it: not a JSON object, or the name taken.
 */
export function withConnection(text: string | null, connection: ConnectionCandidate, files: { empty: string; example: string }): string {
  return appended(text === null || text === files.example ? files.empty : text, connection);
}

function appended(text: string, connection: ConnectionCandidate): string {
  const { node, root, errors } = connectionsNode(text);
  if (errors.length || !root || root.type !== 'object') throw new Error('the connections file is not a JSON object; open it (Open Connections File), fix it and try again');
  if (node && node.type !== 'array') throw new Error('"connections" in the connections file is not a list; open it (Open Connections File), fix it and try again');
  if (connectionNamesIn(text).includes(connection.name)) throw new Error(`the connections file already has a connection named "${connection.name}"; choose another name`);
  const formatting = formattingOf(text);
  const last = node?.children?.at(-1);
  if (!node || !last) {
    // Nothing to keep inside the list: jsonc-parser writes it, formatted as the file is.
    return applyEdits(text, modify(text, ['connections'], [connection], { formattingOptions: formatting }));
  }
  // After the last entry, at its indentation. (jsonc-parser would reformat that entry's whole line.)
  const end = last.offset + last.length;
  const lineStart = text.lastIndexOf('\n', last.offset) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, last.offset))?.[0] ?? '';
  const unit = formatting.insertSpaces ? ' '.repeat(formatting.tabSize ?? 2) : '\t';
  const entry = JSON.stringify(connection, null, unit).split('\n').join(`${formatting.eol}${indent}`);
  return `${text.slice(0, end)},${formatting.eol}${indent}${entry}${text.slice(end)}`;
}

function connectionsNode(text: string) {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  return { root, errors, node: root && root.type === 'object' ? findNodeAtLocation(root, ['connections']) : undefined };
}

/** Indentation and line ends as the file already has them (2 spaces and \n for a file without any). */
function formattingOf(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}
