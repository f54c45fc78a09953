import pino, { type Logger } from 'pino';

/** JSON lines on stdout or to a file: the extension's log channel and `jq` both read them. */
export function createLogger(options: { file?: string; level?: string } = {}): Logger {
  const level = options.level ?? process.env.PIPELINE_PAUSE_LOG_LEVEL ?? 'info';
  const destination = options.file ? pino.destination({ dest: options.file, mkdir: true, sync: true }) : pino.destination(1);
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
