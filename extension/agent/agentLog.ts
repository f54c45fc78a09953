import { open } from 'node:fs/promises';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  level: LogLevel;
  /** The agent's own timestamp; the output channel's is when the line was read. */
  time: string | null;
  message: string;
}

const PINO_LEVELS: Array<[number, LogLevel]> = [
  [50, 'error'],
  [40, 'warn'],
  [30, 'info'],
  [20, 'debug'],
  [0, 'trace'],
];
const PINO_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/**
 * One line of agent.log: pino JSON from the agent's logger, or plain text the process wrote to
 * stderr before its logger existed ("error: ..." from the CLI).
 */
export function parseLogLine(line: string): LogEntry {
  let record: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) record = parsed as Record<string, unknown>;
  } catch {
    // plain text
  }
  if (!record) return { level: /^error\b/i.test(line) ? 'error' : 'info', time: null, message: line };
  const levelNumber = typeof record.level === 'number' ? record.level : 30;
  const level = PINO_LEVELS.find(([floor]) => levelNumber >= floor)?.[1] ?? 'info';
  const extra = Object.fromEntries(Object.entries(record).filter(([key]) => !PINO_KEYS.has(key)));
  const message = `${String(record.msg ?? '')}${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ''}`;
  return { level, time: typeof record.time === 'string' ? record.time : null, message };
}

/** Up to `bytes` from the end of a file, starting at a whole line; '' when there is no file. */
async function readTail(path: string, bytes: number): Promise<string> {
  const { text, fromStart } = await readRange(path, -bytes);
  return fromStart ? text : text.slice(text.indexOf('\n') + 1);
}

/** The last entry of the log: a failed start explained without opening the log. */
export async function lastLogEntry(path: string): Promise<LogEntry | null> {
  const lines = (await readTail(path, 8192)).split('\n').filter((l) => l.trim());
  return lines.length ? parseLogLine(lines[lines.length - 1]) : null;
}

/**
 * Follows agent.log by polling its size: starts with the last `initialBytes`, then hands over
 * each new whole line. A file that shrank was replaced (a new agent), so it is read from the top.
 */
export class LogTail {
  private offset: number | null = null;
  private partial = '';
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly onEntries: (entries: LogEntry[]) => void,
    private readonly options: { initialBytes?: number; intervalMs?: number } = {},
  ) {}

  start(): void {
    if (this.timer) return;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads whatever was appended since the last poll; polls never overlap. */
  poll(): Promise<void> {
    this.polling = this.polling.then(() => this.readNew());
    return this.polling;
  }

  private async readNew(): Promise<void> {
    const first = this.offset === null;
    const { text, end, fromStart } = await readRange(this.path, first ? -(this.options.initialBytes ?? 64 * 1024) : this.offset!);
    if (end < (this.offset ?? 0)) {
      this.offset = 0;
      this.partial = '';
      return this.readNew();
    }
    this.offset = end;
    let chunk = this.partial + text;
    if (first && !fromStart) chunk = chunk.slice(chunk.indexOf('\n') + 1);
    const lines = chunk.split('\n');
    this.partial = lines.pop() ?? '';
    const entries = lines.filter((l) => l.trim()).map(parseLogLine);
    if (entries.length) this.onEntries(entries);
  }
}

/** Reads from `from` (negative: that many bytes before the end) to the end of the file. */
async function readRange(path: string, from: number): Promise<{ text: string; end: number; fromStart: boolean }> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return { text: '', end: 0, fromStart: true };
  }
  try {
    const { size } = await handle.stat();
    const start = from < 0 ? Math.max(0, size + from) : Math.min(from, size);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return { text: buffer.toString('utf8'), end: size, fromStart: start === 0 };
  } finally {
    await handle.close();
  }
}
