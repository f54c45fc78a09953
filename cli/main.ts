import { readFile } from 'node:fs/promises';
import { Argument, Command, CommanderError, Option } from 'commander';
import type { BulkOptions, PauseApi } from '../protocol/api';
import { describeDeploy } from '../protocol/deploy';
import { PauseError } from '../protocol/errors';
import { parseDuration } from '../protocol/duration';
import { agentPaths, type AgentPaths } from '../protocol/paths';
import { parseOrBadRequest, PauseRequest, PauseUpstreamRequest, ResumeRequest, StopRequest, type PauseRequestInput } from '../protocol/requests';
import { Scope, type Resource } from '../protocol/resource';
import { VERSION } from '../protocol/version';
import { findAgent } from '../client/discovery';
import { createLogger, silentLogger } from '../agent/core/logger';
import { startAgent } from '../agent/main';
import { kindPresentations } from '../agent/backends/registry';
import { presentationOf } from '../protocol/presentation';
import { DirectApi } from './directApi';
import { formatBulk, formatGroupPause, formatList, formatPaused, formatResumed, formatStatus, formatWorkers } from '../format/resourceText';
import { formatPeek } from '../format/peekText';
import { progressOnStderr, type ProgressOutput } from './progress';
import { PeekRequest } from '../protocol/peek';
import { printable, printableData } from '../protocol/printable';
import { colourPaint, wantsColour } from './colour';
import { COMPLETE_COMMAND, completionScript, completionWords, SHELLS, type Shell } from './completion';

interface GlobalOptions {
  home?: string;
  connections?: string;
  agent: boolean;
}

/** Exit 2 for input the user can fix, 1 for everything else. */
const USAGE_CODES = new Set(['BadRequest', 'NotFound']);

export interface CliIo extends ProgressOutput {
  out(text: string): void;
  err(text: string): void;
  /** Whether each stream may get colour (cli/colour.ts); absent: none. */
  colour?: { out: boolean; err: boolean };
}

const PROCESS_IO: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  // Only a terminal can rewrite a line; a pipe or a file gets whole lines (progress.ts).
  ...(process.stderr.isTTY ? { line: (text: string | null) => process.stderr.write(text === null ? '\n' : `\r\u001b[2K${text}`) } : {}),
  colour: { out: wantsColour(process.stdout), err: wantsColour(process.stderr) },
};

export async function run(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  // Names, reasons and errors come from backends and other users: nothing reaches the terminal raw.
  const out = (text: string) => io.out(printable(text));
  const err = (text: string) => io.err(printable(text));
  // Human output is put together from data made printable first (`shown`), so that the colour
  // marks added on a terminal survive; --json output never gets colour.
  const paint = colourPaint(io.colour?.out ?? false);
  const human = (text: string) => io.out(text);
  const shown = printableData;
  const program = new Command('pipeline-pause')
    .description('Pause and resume the stages of your data pipelines.')
    .version(VERSION)
    .option('--home <dir>', 'where the agent keeps its token, journal and connections (default ~/.pipeline-pause or $PIPELINE_PAUSE_HOME)')
    .option('--connections <file>', 'connections file (default <home>/connections.json or $PIPELINE_PAUSE_CONNECTIONS)')
    .option('--no-agent', 'work in this process even if an agent is running')
    .exitOverride()
    .configureOutput({ writeOut: (text) => out(text.trimEnd()), writeErr: (text) => err(text.trimEnd()) });

  const paths = (): AgentPaths => {
    const options = program.opts<GlobalOptions>();
    return agentPaths({ home: options.home, connections: options.connections });
  };
  const withApi = async <T>(work: (api: PauseApi) => Promise<T>): Promise<T> => {
    const api = await openApi(paths(), program.opts<GlobalOptions>().agent);
    try {
      return await work(api);
    } finally {
      await api.close();
    }
  };
  /** A bulk operation with its progress on stderr. */
  const withProgress = async <T>(verb: string, work: (api: PauseApi, options: BulkOptions) => Promise<T>): Promise<T> => {
    const progress = progressOnStderr({ err, ...(io.line ? { line: (text: string | null) => io.line!(text === null ? null : printable(text)) } : {}) }, verb);
    try {
      return await withApi((api) => work(api, progress));
    } finally {
      progress.end();
    }
  };

  program
    .command('list')
    .description('every resource of every connection')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const snapshot = await withApi((api) => api.snapshot({ fresh: true }));
      if (options.json) out(JSON.stringify(snapshot, null, 2));
      else human(formatList(shown(snapshot), new Date(), paint));
    });

  program
    .command('status')
    .description('pause state, workers and pending work of one queue')
    .argument('[resource]', '<connection>/<name>; may be left out when only one resource is configured')
    .option('--exact', 'count every pending task (an S3 queue lists 1,000 at a time; a plain status counts the first 1,000)')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['pipeline-pause status local/orders', 'pipeline-pause status local/orders --exact   # count every pending task', 'pipeline-pause status flink/totals --json']))
    .action(async (target: string | undefined, options: { exact?: boolean; json?: boolean }) => {
      const resource = await withApi(async (api) => api.resource(await resolveTarget(api, target), { exact: options.exact }));
      if (options.json) out(JSON.stringify(resource, null, 2));
      else human(formatStatus(shown(resource), presentationOf(kindPresentations(), resource.kind), new Date(), paint));
    });

  program
    .command('workers')
    .description('workers of one queue, with the queue status')
    .argument('[resource]', '<connection>/<name>')
    .option('--json', 'print JSON')
    .action(async (target: string | undefined, options: { json?: boolean }) => {
      const resource = await withApi(async (api) => api.resource(await resolveTarget(api, target)));
      if (options.json) out(JSON.stringify({ workers: resource.workers ?? [], resource }, null, 2));
      else human(formatWorkers(shown(resource), new Date(), paint));
    });

  program
    .command('pause')
    .description('pause a resource (or one task type or shard of a queue)')
    .argument('[resource]', '<connection>/<name>')
    .option('--reason <text>', 'why, shown to everyone who looks')
    .option('--paused-by <who>', 'who is pausing (default user:<login>)')
    .addOption(new Option('--resume-after <duration>', 'auto-resume after this long, e.g. 30m, 2h, 1h30m').conflicts('resumeAt'))
    .option('--resume-at <time>', 'auto-resume at this RFC 3339 time, e.g. 2026-01-29T06:00:00Z')
    .option('--force', 'overwrite an existing pause')
    .addOption(new Option('--type <task-type>', 'pause only this task type').conflicts('shard'))
    .option('--shard <n>', 'pause only this shard (hex, as buquet names shards)')
    .option('--json', 'print JSON')
    .addHelpText('after', examples([
        'pipeline-pause pause local/orders --reason "Deploying v2" --resume-after 30m',
        'pipeline-pause pause local/orders --type send_email --resume-at 2026-01-29T06:00:00Z',
        'pipeline-pause pause ksql/CTAS_TOTALS_7 --reason "reworking the totals" --json',
      ]))
    .action(async (target: string | undefined, options: PauseFlags) => {
      const request = pauseInput(options);
      parseOrBadRequest(PauseRequest, request);
      await withApi(async (api) => {
        const id = await resolveTarget(api, target);
        const result = await api.pause(id, request);
        if (options.json) out(JSON.stringify(result, null, 2));
        else human(formatPaused(shown(result.resource), shown(result.pause), shown(scopeLabel(request.scope)), new Date(), 'Paused', paint));
      });
    });

  program
    .command('resume')
    .description('resume a resource (or one task type or shard of a queue)')
    .argument('[resource]', '<connection>/<name>')
    .option('--force', 'resume now even if an auto-resume is set')
    .addOption(new Option('--type <task-type>', 'resume only this task type').conflicts('shard'))
    .option('--shard <n>', 'resume only this shard')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['pipeline-pause resume local/orders', 'pipeline-pause resume local/orders --force   # it has an auto-resume time', 'pipeline-pause resume local/orders --type send_email']))
    .action(async (target: string | undefined, options: { force?: boolean; type?: string; shard?: string; json?: boolean }) => {
      const request = { force: options.force ?? false, scope: scopeFrom(options) };
      parseOrBadRequest(ResumeRequest, request);
      await withApi(async (api) => {
        const id = await resolveTarget(api, target);
        const result = await api.resume(id, request);
        if (options.json) out(JSON.stringify(result, null, 2));
        else human(formatResumed(shown(result.resource), shown(scopeLabel(request.scope)), paint));
      });
    });

  program
    .command('stop')
    .description('stop a resource that can stop (a Kafka Connect connector: its tasks are shut down); resume starts it again')
    .argument('[resource]', '<connection>/<name>')
    .option('--reason <text>', 'why, shown to everyone who looks')
    .option('--paused-by <who>', 'who is stopping it (default user:<login>)')
    .option('--json', 'print JSON')
    .action(async (target: string | undefined, options: { reason?: string; pausedBy?: string; json?: boolean }) => {
      const request = { reason: options.reason, pausedBy: options.pausedBy };
      parseOrBadRequest(StopRequest, request);
      await withApi(async (api) => {
        const id = await resolveTarget(api, target);
        const result = await api.stop(id, request);
        if (options.json) out(JSON.stringify(result, null, 2));
        else human(formatPaused(shown(result.resource), shown(result.pause), null, new Date(), 'Stopped', paint));
      });
    });

  program
    .command('peek')
    .description("the latest records of a ksqlDB query's or Kafka Connect source's output topics, read without joining any consumer group")
    .argument('[resource]', '<connection>/<name>')
    .option('--limit <n>', 'records per output topic, 1-500', '20')
    .option('--json', 'print JSON')
    .action(async (target: string | undefined, options: { limit: string; json?: boolean }) => {
      const request = parseOrBadRequest(PeekRequest, { limit: options.limit });
      const peek = await withApi(async (api) => api.peek(await resolveTarget(api, target), request));
      out(options.json ? JSON.stringify(peek, null, 2) : formatPeek(peek).trimEnd());
    });

  program
    .command('pause-all')
    .description('pause every resource of a connection')
    .argument('<connection>')
    .option('--reason <text>')
    .option('--paused-by <who>')
    .option('--resume-after <duration>')
    .option('--resume-at <time>')
    .option('--json', 'print JSON')
    .action(async (connection: string, options: PauseFlags) => {
      const request = pauseInput(options);
      parseOrBadRequest(PauseRequest, request);
      const results = await withProgress(`Pausing all of ${connection}`, (api, progress) => api.pauseAll(connection, request, progress));
      if (options.json) out(JSON.stringify({ results }, null, 2));
      else human(formatBulk('pause', shown(results), paint));
      if (results.some((r) => !r.ok)) throw new PauseError('Conflict', `${results.filter((r) => !r.ok).length} of ${results.length} could not be paused`);
    });

  program
    .command('resume-all')
    .description('resume everything paused in a connection, or in every connection')
    .argument('[connection]')
    .option('--force', 'resume now even where an auto-resume is set')
    .option('--json', 'print JSON')
    .action(async (connection: string | undefined, options: { force?: boolean; json?: boolean }) => {
      const results = await withProgress(`Resuming all${connection ? ` of ${connection}` : ''}`, (api, progress) => api.resumeAll(connection ?? null, { force: options.force ?? false }, progress));
      if (options.json) out(JSON.stringify({ results }, null, 2));
      else human(formatBulk('resume', shown(results), paint));
      if (results.some((r) => !r.ok)) throw new PauseError('Conflict', `${results.filter((r) => !r.ok).length} of ${results.length} could not be resumed`);
    });

  program
    .command('pause-upstream')
    .description('pause everything that feeds a resource (transitively, across connections) as one group')
    .argument('<resource>', '<connection>/<name> whose inputs to hold')
    .option('--name <group>', 'a name for the group (default "upstream of <name>")')
    .option('--reason <text>', 'why, shown on every member')
    .option('--paused-by <who>', 'who is pausing (default user:<login>)')
    .addOption(new Option('--resume-after <duration>', 'auto-resume the whole group after this long, e.g. 30m, 1h30m').conflicts('resumeAt'))
    .option('--resume-at <time>', 'auto-resume the whole group at this RFC 3339 time')
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['pipeline-pause pause-upstream ksql/CTAS_TOTALS_7 --reason "changing TOTALS"', 'pipeline-pause resume-upstream ksql/CTAS_TOTALS_7']))
    .action(async (target: string, options: PauseFlags & { name?: string }) => {
      const request = { name: options.name, reason: options.reason, pausedBy: options.pausedBy, resumeAfter: options.resumeAfter, resumeAt: options.resumeAt };
      parseOrBadRequest(PauseUpstreamRequest, request);
      const outcome = await withProgress(`Pausing upstream of ${target}`, (api, progress) => api.pauseUpstream(target, request, progress));
      if (options.json) out(JSON.stringify(outcome, null, 2));
      else human(formatGroupPause(shown(outcome), paint));
      if (outcome.results.some((r) => !r.ok)) throw new PauseError('Conflict', `${outcome.results.filter((r) => !r.ok).length} of ${outcome.results.length} could not be paused`);
    });

  program
    .command('resume-upstream')
    .description('resume the group made by pause-upstream of a resource: exactly its members, nothing else')
    .argument('<resource>', '<connection>/<name>')
    .option('--json', 'print JSON')
    .action(async (target: string, options: { json?: boolean }) => {
      const results = await withProgress(`Resuming upstream of ${target}`, (api, progress) => api.resumeUpstream(target, progress));
      if (options.json) out(JSON.stringify({ results }, null, 2));
      else human(formatBulk('resume', shown(results), paint));
      if (results.some((r) => !r.ok)) throw new PauseError('Conflict', `${results.filter((r) => !r.ok).length} of ${results.length} could not be resumed`);
    });

  program
    .command('deploy')
    .description('run the statement in a file on a connection that deploys (ksqlDB: one CREATE STREAM|TABLE ... AS SELECT; Flink: a SQL script ending in one INSERT INTO), upgrading in place when the backend can')
    .argument('<connection>')
    .argument('<file>', 'a .sql / .ksql file: one ksqlDB statement, or a Flink SQL script')
    .option('--recreate', 'if the backend cannot upgrade in place: replace the query or job without its state (ksqlDB reprocesses its source from the earliest offset; Flink starts from the script\'s startup mode)')
    .option('--json', 'print JSON')
    .action(async (connection: string, file: string, options: { recreate?: boolean; json?: boolean }) => {
      const statement = await readFile(file, 'utf8').catch((error: Error) => {
        throw new PauseError('BadRequest', `cannot read ${file}: ${error.message}`);
      });
      const result = await withApi((api) => api.deploy(connection, { statement, recreate: options.recreate ?? false })).catch((error: unknown) => {
        if (error instanceof PauseError && error.code === 'RecreateRequired') throw new PauseError(error.code, `${error.message}; run again with --recreate to terminate and recreate it`);
        throw error;
      });
      out(options.json ? JSON.stringify(result, null, 2) : describeDeploy(connection, result));
    });

  program
    .command('agent')
    .description('run the agent in the foreground (HTTP and websocket on 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default: a free one, recorded in <home>/agent.json)')
    .option('--log-file <file>', 'write the log here instead of stdout')
    .option('--exit-when-idle <duration>', 'exit after this long with no client, no request and no auto-resume pending (e.g. 10m); default: run until stopped')
    .action(async (options: AgentFlags) => {
      await runAgent(paths(), options);
    });

  program
    .command('completion')
    .description('print a shell completion script (commands, flags, and resource addresses asked of the agent)')
    .addArgument(new Argument('<shell>').choices(SHELLS))
    .addHelpText('after', examples(['source <(pipeline-pause completion bash)   # in ~/.bashrc', 'source <(pipeline-pause completion zsh)    # in ~/.zshrc', 'pipeline-pause completion fish > ~/.config/fish/completions/pipeline-pause.fish']))
    .action((shell: Shell) => out(completionScript(shell, program).trimEnd()));

  // What the completion scripts ask for addresses: one per line, or nothing (never an error).
  program
    .command(COMPLETE_COMMAND, { hidden: true })
    .argument('<what>', 'resources | connections')
    .action(async (what: string) => {
      const words = await completionWords(what, () => withApi((api) => api.snapshot()));
      if (words.length) out(words.join('\n'));
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2; // commander already printed the usage problem
    }
    const raw = error instanceof PauseError ? error : new PauseError('Internal', (error as Error).message);
    const failure = new PauseError(raw.code, inFlagNames(raw.message, program), raw.details);
    // With --json a script gets the failure as JSON too, with its stable code (the API's error body).
    if (argv.includes('--json')) err(JSON.stringify(failure.toBody()));
    else io.err(`${colourPaint(io.colour?.err ?? false)('bad', 'error:')} ${printable(failure.message)}`);
    return USAGE_CODES.has(failure.code) ? 2 : 1;
  }
}

interface PauseFlags {
  reason?: string;
  pausedBy?: string;
  resumeAfter?: string;
  resumeAt?: string;
  force?: boolean;
  type?: string;
  shard?: string;
  json?: boolean;
}

function pauseInput(options: PauseFlags): PauseRequestInput {
  return {
    reason: options.reason,
    pausedBy: options.pausedBy,
    resumeAfter: options.resumeAfter,
    resumeAt: options.resumeAt,
    force: options.force ?? false,
    scope: scopeFrom(options),
  };
}

function scopeFrom(options: { type?: string; shard?: string }): Scope | undefined {
  if (options.type !== undefined) return parseOrBadRequest(Scope, { type: 'task-type', value: options.type });
  if (options.shard !== undefined) return parseOrBadRequest(Scope, { type: 'shard', value: options.shard.toLowerCase() });
  return undefined;
}

function scopeLabel(scope: Scope | undefined): string | null {
  if (!scope) return null;
  return scope.type === 'shard' ? `shard ${scope.value}` : `task type ${scope.value}`;
}

async function openApi(paths: AgentPaths, useAgent: boolean): Promise<PauseApi> {
  if (useAgent) {
    const found = await findAgent(paths);
    if (found) return found.client;
  }
  return DirectApi.open(paths, silentLogger());
}

/** `<connection>/<name>`, or the only resource there is when none is given. */
async function resolveTarget(api: PauseApi, target: string | undefined): Promise<string> {
  if (target) return target;
  const { resources } = await api.snapshot();
  if (resources.length === 1) return resources[0].id;
  const known = resources.map((r: Resource) => r.id).join(', ');
  throw new PauseError('BadRequest', `name a resource as <connection>/<name>${known ? ` (one of: ${known})` : ''}`);
}

/** A duration flag read with the same parser as --resume-after; a bad value is a usage error. */
function parseFlagDuration(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new PauseError('BadRequest', `${flag}: ${(error as Error).message}`);
  }
}

interface AgentFlags {
  port?: string;
  logFile?: string;
  exitWhenIdle?: string;
}

async function runAgent(paths: AgentPaths, options: AgentFlags): Promise<void> {
  const exitWhenIdleMs = options.exitWhenIdle === undefined ? undefined : parseFlagDuration('--exit-when-idle', options.exitWhenIdle);
  const existing = await findAgent(paths);
  if (existing) {
    throw new PauseError('Conflict', `an agent is already running on 127.0.0.1:${existing.info.port} (pid ${existing.info.pid}); stop it first`);
  }
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new PauseError('BadRequest', `--port must be a port number, not "${options.port}"`);
  const log = createLogger({ file: options.logFile });
  const agent = await startAgent({ paths, port, log, exitWhenIdleMs });
  await new Promise<void>((resolve) => {
    const stop = () => void agent.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    agent.onClosed(resolve);
  });
}

/**
 * A refusal of a request field ("resumeAfter: cannot read duration ...") as the user typed it:
 * the field a flag fills is named by that flag ("--resume-after: ...").
 */
function inFlagNames(message: string, program: Command): string {
  const flags = new Map(program.commands.flatMap((command) => command.options).flatMap((option) => (option.long ? [[option.attributeName(), option.long] as const] : [])));
  return message.replace(/(^|; )([a-zA-Z]+)(?=: )/g, (whole, start: string, field: string) => (flags.has(field) ? `${start}${flags.get(field)}` : whole));
}

/** An "Examples:" block for a command's --help. */
function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}`;
}
