import { waitFor } from './waitFor';

/**
 * The few calls of Flink's SQL Gateway and cluster REST APIs that the sandbox tests make directly
 * (what the product itself does lives in its adapter): open a session, run a statement, stop a
 * job with a savepoint, read a job's state.
 */
async function call<T>(url: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${text.slice(0, 2000)}`);
  return JSON.parse(text) as T;
}

export async function openSession(gatewayUrl: string): Promise<string> {
  return (await call<{ sessionHandle: string }>(`${gatewayUrl}/v1/sessions`, { body: {} })).sessionHandle;
}

/**
 * Runs one statement and waits for it to finish; for an INSERT that is the job's submission,
 * and the answer names the job id.
 */
export async function runStatement(gatewayUrl: string, session: string, statement: string, executionConfig: Record<string, string> = {}): Promise<{ jobId: string | null }> {
  const base = `${gatewayUrl}/v1/sessions/${session}`;
  const { operationHandle } = await call<{ operationHandle: string }>(`${base}/statements`, { body: { statement, executionConfig } });
  const operation = `${base}/operations/${operationHandle}`;
  const status = await waitFor(`statement to finish: ${statement.slice(0, 60)}`, async () => {
    const { status } = await call<{ status: string }>(`${operation}/status`);
    return status === 'RUNNING' || status === 'PENDING' || status === 'INITIALIZED' ? undefined : status;
  }, 60_000, 250);
  const result = await call<{ jobID?: string; errors?: string[] }>(`${operation}/result/0`).catch((error: Error) => ({ jobID: undefined, errors: [error.message] }));
  if (status !== 'FINISHED') throw new Error(`statement ended ${status}: ${statement}\n${(result.errors ?? []).join('\n').slice(0, 3000)}`);
  return { jobId: result.jobID ?? null };
}

export async function jobState(restUrl: string, jobId: string): Promise<string> {
  return (await call<{ state: string }>(`${restUrl}/jobs/${jobId}`)).state;
}

/** Stop with savepoint (no drain): answers the savepoint's location once it completed. */
export async function stopWithSavepoint(restUrl: string, jobId: string, targetDirectory: string): Promise<string> {
  const { 'request-id': trigger } = await call<{ 'request-id': string }>(`${restUrl}/jobs/${jobId}/stop`, { body: { targetDirectory, drain: false } });
  return waitFor('the savepoint', async () => {
    const answer = await call<{ status: { id: string }; operation?: { location?: string; 'failure-cause'?: { 'stack-trace'?: string } } }>(`${restUrl}/jobs/${jobId}/savepoints/${trigger}`);
    if (answer.status.id !== 'COMPLETED') return undefined;
    if (!answer.operation?.location) throw new Error(`the savepoint failed: ${answer.operation?.['failure-cause']?.['stack-trace']?.slice(0, 2000)}`);
    return answer.operation.location;
  }, 60_000, 250);
}
