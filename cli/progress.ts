import type { BulkCounts, BulkOptions } from '../protocol/api';

/** Where progress goes: `line` on a terminal rewrites one line (null ends it); `err` writes a whole line. */
export interface ProgressOutput {
  line?(text: string | null): void;
  err(text: string): void;
}

/**
 * Progress of a bulk operation on stderr: on a terminal one line that updates with every count;
 * elsewhere (a log, CI) a line each time another tenth is done, so a long run shows it is alive
 * without flooding the log. `end` closes the updating line.
 */
export function progressOnStderr(output: ProgressOutput, verb: string): BulkOptions & { end(): void } {
  let tenths = -1;
  let drawn = false;
  const describe = ({ done, total, failed }: BulkCounts) => `${verb}: ${done} of ${total} done${failed ? `, ${failed} failed` : ''}`;
  return {
    onProgress: (counts) => {
      if (!counts.total) return; // started, nothing counted yet
      if (output.line) {
        output.line(describe(counts));
        drawn = true;
        return;
      }
      const reached = Math.floor((counts.done * 10) / counts.total);
      if (reached > tenths) output.err(describe(counts));
      tenths = Math.max(tenths, reached);
    },
    end: () => {
      if (drawn) output.line?.(null);
    },
  };
}
