import { randomUUID } from 'node:crypto';
import { OPERATION_ID, PROGRESS_HEARTBEAT_MS, type ProgressAction, type ProgressMessage } from '../../protocol/messages';
import type { BulkProgress } from './bulk';

/** At most this often per operation, so thousands of items do not become thousands of messages. */
const MIN_INTERVAL_MS = 200;

/**
 * Progress messages of one long operation: the counts as items finish (thinned out), the last
 * counts again every PROGRESS_HEARTBEAT_MS while a slow item holds it up, and `finished` at the
 * end. A client id that is not a plain token is replaced, since it is echoed to every client.
 */
export function trackProgress(publish: (message: ProgressMessage) => void, action: ProgressAction, clientId: string | undefined): { onProgress: BulkProgress; end(): void } {
  const operation = clientId && OPERATION_ID.test(clientId) ? clientId : randomUUID();
  let counts = { done: 0, total: 0, failed: 0 };
  let sentAt = 0;
  const send = (finished: boolean) => {
    sentAt = Date.now();
    publish({ type: 'progress', operation, action, ...counts, finished });
  };
  send(false);
  const heartbeat = setInterval(() => send(false), PROGRESS_HEARTBEAT_MS);
  heartbeat.unref();
  return {
    onProgress: (next) => {
      counts = next;
      if (Date.now() - sentAt >= MIN_INTERVAL_MS || next.done === next.total) send(false);
    },
    end: () => {
      clearInterval(heartbeat);
      send(true);
    },
  };
}
