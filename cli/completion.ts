import { setTimeout as sleep } from 'node:timers/promises';
import type { Command, Option } from 'commander';
import type { Snapshot } from '../protocol/messages';

/**
 * Shell completion scripts, generated from the commander definitions of the commands themselves
 * (commander has no completion of its own), so a new command or flag completes without anyone
 * keeping a list. Commands, flags and fixed choices are written into the script, so they complete
 * without starting Node; resource addresses and connection names come from the running agent
 * (or the connections file) through the hidden `__complete` command, which answers fast or not at all.
 */

export const COMPLETE_COMMAND = '__complete';
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** What a value is, and so how to complete it: asked of the agent, a path, fixed words, or nothing. */
export type ValueKind = { kind: 'resource' | 'connection' | 'file' | 'dir' | 'text' } | { kind: 'choices'; values: string[] };

interface FlagSpec {
  flag: string;
  description: string;
  /** Null for a flag without a value. */
  value: ValueKind | null;
}

interface CommandSpec {
  name: string;
  description: string;
  flags: FlagSpec[];
  args: ValueKind[];
}

interface CompletionSpec {
  program: string;
  globalFlags: FlagSpec[];
  commands: CommandSpec[];
}

/** The value kinds named by the definitions: `[resource]`, `<connection>`, `<file>`, `--home <dir>`. */
function kindOfName(name: string, choices: readonly string[] | undefined): ValueKind {
  if (choices?.length) return { kind: 'choices', values: [...choices] };
  if (name === 'resource' || name === 'connection' || name === 'file' || name === 'dir') return { kind: name };
  return { kind: 'text' };
}

function flagSpec(option: Option): FlagSpec | null {
  if (!option.long || option.hidden) return null;
  const takesValue = option.required || option.optional;
  const valueName = /[<[]([\w-]+)[>\]]/.exec(option.flags)?.[1] ?? '';
  return { flag: option.long, description: option.description, value: takesValue ? kindOfName(valueName, option.argChoices) : null };
}

const HELP: FlagSpec = { flag: '--help', description: 'display help for command', value: null };

export function completionSpec(program: Command): CompletionSpec {
  const flags = (command: Command) => [...command.options.map(flagSpec).filter((f): f is FlagSpec => f !== null), HELP];
  return {
    program: program.name(),
    globalFlags: flags(program),
    commands: program.commands
      .filter((command) => !command.name().startsWith('__'))
      .map((command) => ({
        name: command.name(),
        description: command.description(),
        flags: flags(command),
        args: command.registeredArguments.map((argument) => kindOfName(argument.name(), argument.argChoices)),
      })),
  };
}

export function completionScript(shell: Shell, program: Command): string {
  const spec = completionSpec(program);
  return { bash: bashScript, zsh: zshScript, fish: fishScript }[shell](spec);
}

/** Global flags whose values say where the agent's home and connections are: passed on to `__complete`. */
function locatingFlags(spec: CompletionSpec): { withValue: string[]; bare: string[] } {
  return {
    withValue: spec.globalFlags.filter((f) => f.value).map((f) => f.flag),
    bare: spec.globalFlags.filter((f) => !f.value && f.flag !== '--help' && f.flag !== '--version').map((f) => f.flag),
  };
}

/** Items grouped by a key, in the order each key first appears: one shell `case` branch per action. */
function groupBy<T>(items: T[], key: (item: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups];
}

const functionName = (program: string) => `_${program.replace(/[^A-Za-z0-9]/g, '_')}`;

// --- bash --------------------------------------------------------------------------------------

function bashValue(kind: ValueKind, program: string): string {
  switch (kind.kind) {
    case 'resource':
    case 'connection':
      return `COMPREPLY=($(compgen -W "$(${functionName(program)}_ask ${kind.kind}s)" -- "$cur"))`;
    case 'file':
      return 'compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur"))';
    case 'dir':
      return 'compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur"))';
    case 'choices':
      return `COMPREPLY=($(compgen -W "${kind.values.join(' ')}" -- "$cur"))`;
    case 'text':
      return 'COMPREPLY=()';
  }
}

function bashScript(spec: CompletionSpec): string {
  const fn = functionName(spec.program);
  const locating = locatingFlags(spec);
  const valueFlags = [
    ...spec.globalFlags.filter((f) => f.value).map((f) => ({ pattern: `*:${f.flag}`, value: f.value! })),
    ...spec.commands.flatMap((c) => c.flags.filter((f) => f.value).map((f) => ({ pattern: `${c.name}:${f.flag}`, value: f.value! }))),
  ];
  const flagLists = [`      '') words="${spec.globalFlags.map((f) => f.flag).join(' ')}" ;;`, ...spec.commands.map((c) => `      ${c.name}) words="${c.flags.map((f) => f.flag).join(' ')}" ;;`)];
  const argCases = groupBy(
    spec.commands.flatMap((c) => c.args.map((kind, i) => ({ pattern: `${c.name}:${i}`, kind }))),
    (a) => bashValue(a.kind, spec.program),
  ).map(([action, args]) => `    ${args.map((a) => a.pattern).join('|')}) ${action} ;;`);
  return `# ${spec.program} completion for bash. Load it with: source <(${spec.program} completion bash)
# Generated from the CLI's own command definitions; addresses come from the agent (1 s at most).
${fn}_ask() {
  "\${COMP_WORDS[0]}" "\${${fn}_globals[@]}" ${COMPLETE_COMMAND} "$1" 2>/dev/null
}
${fn}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local command= word words i arg=0
  ${fn}_globals=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    case "$command:$word" in
      ${valueFlags.map((f) => f.pattern).join('|')})
        ${locating.withValue.length ? `case $word in ${locating.withValue.join('|')}) ${fn}_globals+=("$word" "\${COMP_WORDS[i+1]}") ;; esac` : ':'}
        ((i++)) ;;
      ${locating.bare.length ? `*:${locating.bare.join('|*:')}) ${fn}_globals+=("$word") ;;` : ''}
      *:-*) ;;
      :*) command=$word ;;
      *) ((arg++)) ;;
    esac
  done
  case "$command:$prev" in
${groupBy(valueFlags, (f) => bashValue(f.value, spec.program)).map(([action, flags]) => `    ${flags.map((f) => f.pattern).join('|')}) ${action}; return ;;`).join('\n')}
  esac
  if [[ $cur == -* ]]; then
    case $command in
${flagLists.join('\n')}
      *) words= ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    return
  fi
  if [[ -z $command ]]; then
    COMPREPLY=($(compgen -W "${spec.commands.map((c) => c.name).join(' ')}" -- "$cur"))
    return
  fi
  case "$command:$arg" in
${argCases.join('\n')}
    *) COMPREPLY=() ;;
  esac
}
complete -F ${fn} ${spec.program}
`;
}

// --- zsh ---------------------------------------------------------------------------------------

/** Text inside a single-quoted zsh word. */
function zshQuote(text: string): string {
  return text.replace(/'/g, "'\\''");
}

/** Text inside an _arguments description ("[...]"), in a single-quoted word. */
function zshDescription(text: string): string {
  return zshQuote(text.replace(/([[\]:\\])/g, '\\$1'));
}

function zshAction(kind: ValueKind, program: string): string {
  switch (kind.kind) {
    case 'resource':
    case 'connection':
      return `${functionName(program)}_ask_${kind.kind}s`;
    case 'file':
      return '_files';
    case 'dir':
      return '_files -/';
    case 'choices':
      return `(${kind.values.join(' ')})`;
    case 'text':
      return ' ';
  }
}

function zshFlag(flag: FlagSpec, program: string): string {
  const value = flag.value ? `:${flag.value.kind}:${zshAction(flag.value, program)}` : '';
  return `'${flag.flag}[${zshDescription(flag.description)}]${value}'`;
}

function zshScript(spec: CompletionSpec): string {
  const fn = functionName(spec.program);
  const locating = locatingFlags(spec);
  const commandCases = spec.commands.map((c) => {
    const specs = [...c.flags.map((f) => zshFlag(f, spec.program)), ...c.args.map((kind, i) => `'${i + 1}:${kind.kind}:${zshAction(kind, spec.program)}'`)];
    return `        ${c.name}) _arguments ${specs.join(' ')} ;;`;
  });
  return `#compdef ${spec.program}
# ${spec.program} completion for zsh. Load it with: source <(${spec.program} completion zsh)
# Generated from the CLI's own command definitions; addresses come from the agent (1 s at most).
${fn}_ask() {
  $${fn}_program $${fn}_globals ${COMPLETE_COMMAND} $1 2>/dev/null
}
${fn}_ask_resources() { compadd -- \${(f)"$(${fn}_ask resources)"} }
${fn}_ask_connections() { compadd -- \${(f)"$(${fn}_ask connections)"} }
${fn}() {
  local curcontext=$curcontext state line i
  typeset -ga ${fn}_globals
  typeset -g ${fn}_program=\${words[1]}
  ${fn}_globals=()
  for ((i = 2; i < CURRENT; i++)); do
    case \${words[i]} in
      ${locating.withValue.length ? `${locating.withValue.join('|')}) ${fn}_globals+=(\${words[i]} \${words[i+1]}) ;;` : ''}
      ${locating.bare.length ? `${locating.bare.join('|')}) ${fn}_globals+=(\${words[i]}) ;;` : ''}
    esac
  done
  local -a commands=(
${spec.commands.map((c) => `    '${c.name}:${zshQuote(c.description)}'`).join('\n')}
  )
  _arguments -C ${spec.globalFlags.map((f) => zshFlag(f, spec.program)).join(' ')} '1:command:->command' '*::arg:->args'
  case $state in
    command) _describe -t commands '${spec.program} command' commands ;;
    args)
      case \${words[1]} in
${commandCases.join('\n')}
      esac ;;
  esac
}
if [[ \${funcstack[1]} == ${fn} ]]; then ${fn} "$@"; else compdef ${fn} ${spec.program}; fi
`;
}

// --- fish --------------------------------------------------------------------------------------

function fishQuote(text: string): string {
  return `'${text.replace(/[\\']/g, '\\$&')}'`;
}

function fishValue(kind: ValueKind, fn: string): string {
  switch (kind.kind) {
    case 'resource':
    case 'connection':
      return ` -f -a ${fishQuote(`(${fn}_ask ${kind.kind}s)`)}`;
    case 'file':
      return ' -F';
    case 'dir':
      return ` -f -a ${fishQuote('(__fish_complete_directories)')}`;
    case 'choices':
      return ` -f -a ${fishQuote(kind.values.join(' '))}`;
    case 'text':
      return ' -f';
  }
}

function fishFlag(program: string, condition: string, flag: FlagSpec, fn: string): string {
  const value = flag.value ? ` -r${fishValue(flag.value, fn)}` : '';
  return `complete -c ${program} -n ${fishQuote(condition)} -l ${flag.flag.slice(2)}${value} -d ${fishQuote(flag.description)}`;
}

function fishScript(spec: CompletionSpec): string {
  const fn = functionName(spec.program).slice(1).replace(/^/, '__');
  const locating = locatingFlags(spec);
  const lines = [
    `# ${spec.program} completion for fish. Load it with: ${spec.program} completion fish | source`,
    "# Generated from the CLI's own command definitions; addresses come from the agent (1 s at most).",
    `function ${fn}_ask`,
    '    set -l tokens (commandline -opc)',
    '    set -l globals',
    '    for i in (seq 2 (count $tokens))',
    '        switch $tokens[$i]',
    ...(locating.withValue.length ? [`            case ${locating.withValue.join(' ')}`, '                set -l next (math $i + 1)', '                test $next -le (count $tokens); and set -a globals $tokens[$i] $tokens[$next]'] : []),
    ...(locating.bare.length ? [`            case ${locating.bare.join(' ')}`, '                set -a globals $tokens[$i]'] : []),
    '        end',
    '    end',
    `    $tokens[1] $globals ${COMPLETE_COMMAND} $argv[1] 2>/dev/null`,
    'end',
    `complete -c ${spec.program} -f`,
    ...spec.globalFlags.map((f) => fishFlag(spec.program, '__fish_use_subcommand', f, fn)),
    ...spec.commands.map((c) => `complete -c ${spec.program} -n __fish_use_subcommand -a ${c.name} -d ${fishQuote(c.description)}`),
  ];
  for (const command of spec.commands) {
    const condition = `__fish_seen_subcommand_from ${command.name}`;
    lines.push(...command.flags.map((f) => fishFlag(spec.program, condition, f, fn)));
    // fish does not count positions: each kind of argument the command takes is offered.
    for (const kind of new Set(command.args.map((a) => JSON.stringify(a)))) {
      const value = fishValue(JSON.parse(kind) as ValueKind, fn);
      if (value !== ' -f') lines.push(`complete -c ${spec.program} -n ${fishQuote(condition)}${value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** How long `__complete` waits for the agent (or the backends, with no agent) before giving up, silently. */
export const COMPLETION_TIMEOUT_MS = 1000;

/**
 * The words `__complete <what>` prints: resource addresses or connection names, sorted; none when
 * the agent does not answer in time or fails (a completion never prints an error into the prompt).
 */
export async function completionWords(what: string, snapshot: () => Promise<Snapshot>, timeoutMs = COMPLETION_TIMEOUT_MS): Promise<string[]> {
  if (what !== 'resources' && what !== 'connections') return [];
  const answer = await Promise.race([snapshot().catch(() => null), sleep(timeoutMs, null, { ref: false })]);
  if (!answer) return [];
  return (what === 'resources' ? answer.resources.map((r) => r.id) : answer.connections.map((c) => c.name)).sort();
}
