import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { ApiErrorBody } from '../../protocol/errors';
import { sandboxS3Client } from '../../sandbox/s3Server';
import { startTestAgent, type TestAgent } from '../support/agentHarness';
import { services } from '../support/sandboxFixture';
import { cli, testHome, uniqueBucket, useAwsProfiles, type TestHome } from '../support/testEnv';

/** Fixed unless overridden, so a failure is reproduced with the seed printed at the start. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261103);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const STACK_FRAME = /\n\s+at |<html|<!DOCTYPE/i;

/** What a refusal must leave as it was: every object of the bucket (key and ETag) and the journal. */
async function state(home: TestHome, bucket: string): Promise<string> {
  const client = sandboxS3Client(services().s3);
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const objects = (listed.Contents ?? []).map((o) => `${o.Key} ${o.ETag}`).sort();
    const journal = await readFile(home.paths.journal, 'utf8').catch(() => '');
    return JSON.stringify({ objects, journal });
  } finally {
    client.destroy();
  }
}

interface Raw {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/**
 * Raw HTTP, so any content type, encoding or malformed body reaches the agent as sent. The
 * length is always given: without it node sends a GET's body as if it were the next request.
 */
function send(agent: TestAgent, raw: Raw): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: agent.port, method: raw.method, path: raw.path, headers: { authorization: `Bearer ${agent.token}`, 'content-length': String(raw.body?.length ?? 0), ...raw.headers } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(raw.body);
  });
}

/** A valid duration short enough to auto-resume during the run would change the bucket under a later refusal. */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 };
const soonerThanAnHour = (amount: bigint, unit: string) => amount > 0n && UNIT_MS[unit] !== undefined && Number(amount) * UNIT_MS[unit] < 36e5;

const durationText = fc.oneof(
  fc.constantFrom('3x', '-5m', '0m', '1h30m', '', ' ', '365d', '366d', '10000000d', '99999999999999999999d', `1${'0'.repeat(400)}d`, '1e3m', 'NaNm', 'Infinityd', '٣m', '2h\u202e', '30M', '1.5h'),
  fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 25n }), fc.constantFrom('ms', 's', 'm', 'h', 'd', 'w', 'y', ''))
    .filter(([amount, unit]) => !soonerThanAnHour(amount, unit))
    .map(([amount, unit]) => `${amount}${unit}`),
);

const hourAhead = () => Date.now() + 36e5;
const timeText = fc.oneof(
  fc.constantFrom('2020-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', 'tomorrow', '2026-02-30T00:00:00Z', '2099-01-01T00:00:00+25:00', ''),
  fc
    .date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true })
    .filter((d) => d.getTime() < Date.now() || d.getTime() > hourAhead())
    .map((d) => d.toISOString()),
);

/** Strings that have broken parsers and terminals before: huge, control characters, bidi, escapes. */
const nastyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('\u202eevil', '\u0000', '\u001b[31mred', '\\u0000', '%00', '../..', '<script>', 'a'.repeat(70_000), '🙂'.repeat(300)),
);

const scope = fc.oneof(
  fc.record({ type: fc.constantFrom('task-type', 'shard', 'other'), value: fc.oneof(fc.constantFrom('a', 'b/c', '', 'A_b-1', '0', 'f', 'zz', 'G', '10000', '.', '..', '10', 'ff'), fc.integer()) }),
  fc.constantFrom(null, 'shard', 7, []),
);
const anyValue = fc.oneof(fc.boolean(), fc.integer(), fc.double(), fc.constant(null), nastyText, fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));

const body = fc.record(
  {
    reason: fc.oneof(nastyText, anyValue),
    pausedBy: fc.oneof(nastyText, anyValue, fc.constantFrom('agent:auto-resume', 'Agent:scheduler')),
    resumeAfter: fc.oneof(durationText, anyValue),
    resumeAt: fc.oneof(timeText, anyValue),
    force: fc.oneof(fc.boolean(), anyValue),
    scope,
    name: fc.oneof(nastyText, anyValue),
    statement: fc.oneof(fc.constantFrom('CREATE STREAM s AS SELECT * FROM t;', ''), nastyText),
    recreate: anyValue,
    [`unknown`]: anyValue,
  },
  { requiredKeys: [] },
);

/**
 * Inputs that must be refused, not merely survived: a wrong success (a pause credited to the
 * agent, a key `control/paused/..`, a shard the queue does not have) would pass the other checks.
 */
function forbidden(text: string): string | null {
  let json: { pausedBy?: unknown; scope?: { type?: unknown; value?: unknown } } | null = null;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof json?.pausedBy === 'string' && /^agent:/i.test(json.pausedBy.trim())) return 'pausedBy in the agent:\u2026 namespace';
  const scope = json?.scope;
  if (scope?.type === 'task-type' && (scope.value === '.' || scope.value === '..')) return `task type ${String(scope.value)}`;
  if (scope?.type === 'shard' && typeof scope.value === 'string' && /^[0-9a-f]{2,4}$/.test(scope.value)) return `shard ${scope.value} outside 0-f`;
  return null;
}

/** `forbidden` for CLI flags: the value after each flag, as the request the CLI would send. */
function cliForbidden(args: string[]): string | null {
  if (args.includes('--help') || args.includes('--version')) return null; // nothing is run then
  const after = (flag: string) => (args.includes(flag) ? args[args.lastIndexOf(flag) + 1] : undefined);
  const type = after('--type');
  const shard = after('--shard');
  const scope = type !== undefined ? { type: 'task-type', value: type } : shard !== undefined ? { type: 'shard', value: shard } : undefined;
  return forbidden(JSON.stringify({ pausedBy: after('--paused-by'), scope }));
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8'];
const contentType = fc.constantFrom(...JSON_TYPES, 'application/json; charset=utf-16', 'application/json; charset=koi8-r', 'text/plain', 'application/x-www-form-urlencoded', 'application/merge-patch+json', 'multipart/form-data; boundary=x', undefined);
const contentEncoding = fc.constantFrom(undefined, undefined, undefined, 'gzip', 'br', 'x-unknown', 'identity');

const payload = fc.oneof(
  { weight: 6, arbitrary: body.map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[]', '"text"', '1', '{"resumeAfter":"1m"', '{"__proto__":{"force":true}}', '\ufeff{}') },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

describe('fuzz: every API route and CLI command refuses bad input cleanly', function () {
  this.timeout(600_000);
  let bucket: string;
  let home: TestHome;
  let agent: TestAgent;

  before(async () => {
    useAwsProfiles();
    bucket = uniqueBucket('fuzz');
    home = await testHome([bucket]);
    agent = await startTestAgent(home.paths);
    console.log(`      fuzz seed ${SEED}, ${RUNS} runs per property (FUZZ_SEED / FUZZ_RUNS override)`);
  });
  after(() => agent.close());

  describe('regressions found against 710e56f', () => {
    const post = (path: string, type: string | undefined, text: string, extra: Record<string, string> = {}) =>
      send(agent, { method: 'POST', path: `/api/v1${path}`, headers: { ...(type ? { 'content-type': type } : {}), ...extra }, body: Buffer.from(text) });

    for (const resumeAfter of ['10000000d', '99999999999999999999d', '366d']) {
      it(`refuses resumeAfter ${resumeAfter} with the limit, writing nothing (CLI exit 2 and HTTP 400)`, async () => {
        const before = await state(home, bucket);
        const result = await cli(home, ['pause', `local/${bucket}`, '--resume-after', resumeAfter]);
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, /^error: --resume-after: duration .* is longer than 365 days/);
        const answer = await post(`/resources/local/${bucket}/pause`, 'application/json', JSON.stringify({ resumeAfter }));
        assert.equal(answer.status, 400, answer.body);
        assert.equal(await state(home, bucket), before, 'nothing written');
      });
    }

    it('refuses a resumeAt more than 365 days ahead, writing nothing', async () => {
      const before = await state(home, bucket);
      const result = await cli(home, ['pause', `local/${bucket}`, '--resume-at', '9999-12-31T23:59:59Z']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^error: --resume-at: resumeAt 9999-12-31T23:59:59.000Z is more than 365 days ahead/);
      assert.equal(await state(home, bucket), before, 'nothing written');
    });

    it('refuses a body that is not JSON with 415, pausing nothing', async () => {
      const before = await state(home, bucket);
      const answer = await post(`/resources/local/${bucket}/pause`, 'text/plain', '{"resumeAfter":"1m"}');
      assert.equal(answer.status, 415, answer.body);
      assert.match(ApiErrorBody.parse(JSON.parse(answer.body)).error.message, /content type text\/plain; send it as application\/json in UTF-8/);
      assert.equal(await state(home, bucket), before, 'nothing written');
    });

    it('answers a charset other than UTF-8 or an unknown content encoding with 415 and our error body', async () => {
      for (const [type, extra, message] of [
        ['application/json; charset=utf-16', {}, /content type application\/json; charset=utf-16; send it as application\/json in UTF-8/],
        ['application/json', { 'content-encoding': 'x-unknown' }, /unsupported content encoding "x-unknown"; send the body uncompressed/],
      ] as const) {
        const before = await state(home, bucket);
        const answer = await post(`/resources/local/${bucket}/pause`, type, '{}', extra);
        assert.equal(answer.status, 415, answer.body);
        assert.match(ApiErrorBody.parse(JSON.parse(answer.body)).error.message, message);
        assert.equal(await state(home, bucket), before, 'nothing written');
      }
    });

    it('refuses pause-all with a past resume time with 400 (and exit 2 without an agent) before pausing anything', async () => {
      const before = await state(home, bucket);
      const answer = await post('/connections/local/pause-all', 'application/json', JSON.stringify({ resumeAt: '2020-01-01T00:00:00Z' }));
      assert.equal(answer.status, 400, answer.body);
      assert.match(ApiErrorBody.parse(JSON.parse(answer.body)).error.message, /resumeAt 2020-01-01T00:00:00Z is not in the future/);
      const direct = await cli(home, ['pause-all', 'local', '--resume-at', '2020-01-01T00:00:00Z']);
      assert.deepEqual([direct.code, direct.stdout], [2, ''], `the CLI without an agent refuses it the same way: ${direct.stderr}`);
      assert.match(direct.stderr, /^error: resumeAt 2020-01-01T00:00:00Z is not in the future/);
      assert.equal(await state(home, bucket), before, 'nothing written');
    });

    it('still takes a POST with no body and no content type', async () => {
      const answer = await send(agent, { method: 'POST', path: '/api/v1/refresh', headers: {} });
      assert.equal(answer.status, 200, answer.body);
    });
  });

  it('API: no 5xx, only our error body, and a refusal changes nothing', async () => {
    const resource = fc.constantFrom(`local/${bucket}`, 'local/not-configured', `nowhere/${bucket}`, `local/${encodeURIComponent('../..')}`, `local/%E2%80%AE`, 'local/%ZZ');
    // POST /shutdown is left out: it ends the agent under test (by design, for any valid token).
    const route = fc.oneof(
      resource.chain((id) => fc.constantFrom<[string, string]>(['GET', `/resources/${id}`], ['GET', `/resources/${id}/peek?limit=${'9'.repeat(30)}`], ['POST', `/resources/${id}/pause`], ['POST', `/resources/${id}/resume`], ['POST', `/resources/${id}/stop`], ['POST', `/resources/${id}/pause-upstream`], ['POST', `/resources/${id}/resume-upstream`])),
      fc.constantFrom<[string, string]>(['GET', '/health'], ['GET', '/snapshot'], ['GET', '/journal?limit=-1'], ['POST', '/connections/local/pause-all'], ['POST', '/connections/local/resume-all'], ['POST', '/connections/nowhere/pause-all'], ['POST', '/connections/local/deploy'], ['POST', '/resume-all'], ['POST', '/refresh'], ['POST', '/groups/none/resume'], ['PUT', '/resume-all'], ['DELETE', `/resources/local/${bucket}`]),
    );
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(route, contentType, contentEncoding, payload, async ([method, path], type, encoding, text) => {
        const before = await state(home, bucket);
        const headers: Record<string, string> = { ...(type ? { 'content-type': type } : {}), ...(encoding ? { 'content-encoding': encoding } : {}) };
        const answer = await send(agent, { method, path: `/api/v1${path}`, headers, body: Buffer.from(text) });
        requests++;
        assert.ok(answer.status < 500, `HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
        assert.doesNotMatch(answer.body, STACK_FRAME);
        let json: unknown;
        assert.doesNotThrow(() => (json = JSON.parse(answer.body)), `HTTP ${answer.status} answered with no JSON: ${JSON.stringify(answer.body.slice(0, 300))}`);
        if (answer.status >= 400) {
          assert.ok(ApiErrorBody.safeParse(json).success, `error body shape: ${answer.body.slice(0, 300)}`);
          assert.equal(await state(home, bucket), before, 'a refusal wrote to the bucket or journal');
        }
        if (method === 'POST' && text !== '' && !JSON_TYPES.includes(type ?? '')) assert.ok(answer.status >= 400, `a ${type} body was taken: HTTP ${answer.status}`);
        const mustRefuse = method === 'POST' && /\/pause$/.test(path) ? forbidden(text) : null;
        if (mustRefuse) assert.ok(answer.status >= 400, `${mustRefuse} was taken: HTTP ${answer.status}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    console.log(`      API: ${requests} requests`);
  });

  it('CLI: every command and flag exits 0, 1 or 2 with one error line, and exit 2 changes nothing', async () => {
    const statement = `${home.paths.home}/statement.sql`;
    await writeFile(statement, 'CREATE STREAM s AS SELECT * FROM t;');
    const id = fc.constantFrom(`local/${bucket}`, 'local/not-configured', `nowhere/${bucket}`, 'no-slash', '', '/', `local/${bucket}/x`);
    const value = fc.oneof(nastyText.filter((s) => s.length < 5000), durationText, timeText, fc.constantFrom('agent:auto-resume', '.', '..', '10', 'ff'));
    const flag = fc.oneof(
      fc.constantFrom('--json', '--force', '--recreate', '--no-agent', '--version', '--help', '--bogus'),
      fc.tuple(fc.constantFrom('--reason', '--paused-by', '--resume-after', '--resume-at', '--type', '--shard', '--name', '--limit', '--port', '--log-file', '--connections'), value).map(([f, v]) => [f, v]),
      fc.tuple(fc.constantFrom('--resume-after', '--limit'), durationText).map(([f, v]) => `${f}=${v}`),
    );
    const command = fc.oneof(
      fc.tuple(fc.constantFrom('pause', 'resume', 'stop', 'status', 'workers', 'peek', 'pause-upstream', 'resume-upstream'), id).map(([c, target]) => [c, target]),
      fc.tuple(fc.constantFrom('pause-all', 'resume-all'), fc.constantFrom('local', 'nowhere', '')).map(([c, connection]) => [c, connection]),
      fc.constantFrom(['list'], ['deploy', 'local', statement], ['deploy', 'local', '/nonexistent.sql'], ['agent'], ['unknown-command'], []),
    );
    const argv = fc.tuple(command, fc.array(flag, { maxLength: 5 }), fc.boolean()).map(([c, flags, useAgent]) => ({ args: [...c, ...flags.flat()], useAgent }));
    let invocations = 0;
    await fc.assert(
      fc.asyncProperty(argv, async ({ args, useAgent }) => {
        const before = await state(home, bucket);
        const result = await cli(home, args, { useAgent });
        invocations++;
        const shown = `argv ${JSON.stringify(args).slice(0, 300)}: exit ${result.code}, stderr ${result.stderr.slice(0, 300)}`;
        assert.ok([0, 1, 2].includes(result.code), shown);
        assert.doesNotMatch(result.stderr, STACK_FRAME, shown);
        assert.doesNotMatch(result.stderr, /internal error|TypeError|RangeError/i, shown);
        // commander answers a bare command with its usage, which is what the user needs then
        // with --json a failure is the API's error body, one line with a stable code
        if (result.code !== 0 && args.includes('--json') && result.stderr.startsWith('{')) assert.ok(ApiErrorBody.safeParse(JSON.parse(result.stderr)).success, shown);
        else if (result.code !== 0) assert.match(result.stderr, /^(error: |Usage: )/, shown);
        if (result.code === 2) assert.equal(await state(home, bucket), before, `exit 2 wrote to the bucket or journal: ${shown}`);
        if (['pause', 'stop'].includes(args[0]) && cliForbidden(args)) assert.notEqual(result.code, 0, `${cliForbidden(args)} was taken: ${shown}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    console.log(`      CLI: ${invocations} invocations`);
  });
});
