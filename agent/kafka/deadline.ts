/**
 * A look at Kafka held to one deadline as a whole. kafkajs bounds each request, but a read is
 * several requests, each retried, so a silent broker could hold it (and the listing or pause
 * reply waiting on it) for many times the request timeout. On the deadline `abandon` runs (it
 * drops the clients, so requests still in flight end) and the look fails with `NoAnswer`.
 */
export class NoAnswer extends Error {}

export async function withinDeadline<T>(look: Promise<T>, deadlineMs: number, abandon: () => Promise<void>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswer(`no answer within ${deadlineMs / 1000}s`)), deadlineMs);
  });
  try {
    return await Promise.race([look, late]);
  } catch (error) {
    if (error instanceof NoAnswer) {
      look.catch(() => undefined);
      await abandon();
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
