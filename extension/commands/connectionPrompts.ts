import { connectionName, fieldProblem, type ConnectionKind } from '../../protocol/connections';
import type { CommandUi } from './commandUi';

/** What the user answered so far: kept whole so a Retry asks again with every answer in place. */
export interface ConnectionDraft {
  kind: ConnectionKind;
  /** The text typed for each of the kind's fields, in order. */
  answers: string[];
  name: string;
}

/**
 * Asks for a connection: its kind (from the agent's list, unless `previous` fixed it), each
 * question that kind has, then a name. Undefined when the user cancelled anywhere.
 */
export async function askConnection(ui: CommandUi, kinds: ConnectionKind[], taken: ReadonlySet<string>, previous?: ConnectionDraft): Promise<ConnectionDraft | undefined> {
  const kind = previous?.kind ?? (await ui.pickOne(kinds.map((k) => ({ label: k.title, detail: k.detail, value: k })), 'Add Connection: what does it connect to?'));
  if (!kind) return undefined;
  const steps = kind.fields.length + 1;
  const title = (step: number) => `Add Connection: ${kind.title} (${step}/${steps})`;
  const answers: string[] = [];
  for (const [index, field] of kind.fields.entries()) {
    const answer = await ui.input({
      title: title(index + 1),
      prompt: `${field.label}: ${field.prompt}`,
      placeHolder: field.placeholder,
      value: previous?.answers[index] ?? field.initial,
      validate: (text) => fieldProblem(field, text),
    });
    if (answer === undefined) return undefined;
    answers.push(answer);
  }
  const name = await ui.input({
    title: title(steps),
    prompt: 'Connection name: how the tree, the CLI and resource addresses (<connection>/<resource>) name it.',
    placeHolder: kind.kind,
    value: previous?.name ?? suggestedName(kind.kind, taken),
    validate: (text) => nameProblem(text, taken),
  });
  return name === undefined ? undefined : { kind, answers, name };
}

/** Why the text cannot name a new connection: the agent's own rule for names, and no name twice. */
export function nameProblem(text: string, taken: ReadonlySet<string>): string | undefined {
  const parsed = connectionName.safeParse(text);
  if (!parsed.success) return parsed.error.issues[0]?.message;
  return taken.has(text) ? `a connection named "${text}" exists already; choose another name` : undefined;
}

/** The kind's name, numbered past the names already taken ("kafka-connect", "kafka-connect-2", ...). */
export function suggestedName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n += 1;
  return `${base}-${n}`;
}
