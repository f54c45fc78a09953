import { strict as assert } from 'node:assert';
import { classifyCall, HOT_PATHS, RETRY_REQUEST_TIMEOUT_MS, type HotMethod } from '../../../agent/backends/querator/calls';
import { JsonStyle, mediaFormat, PAUSED_RETRY_MESSAGE, readDuhError, retryReply } from '../../../agent/backends/querator/duh';
import { holdsMethod } from '../../../agent/backends/querator/gateway';
import { parseGoDuration } from '../../../agent/backends/querator/goDuration';
import { pauseExpired, type PauseMode, type QueuePause } from '../../../agent/backends/querator/pauseState';
import { encodeDuhReply, readStringFields } from '../../../agent/backends/querator/protobuf';

const json = (body: unknown) => Buffer.from(JSON.stringify(body));
const JSON_TYPE = 'application/json';
const PROTOBUF_TYPE = 'application/protobuf';

function pause(mode: PauseMode, resumeAt: string | null = null): QueuePause {
  return { pausedAt: '2026-01-01T00:00:00.000Z', pausedBy: 'test', reason: null, resumeAt, version: 'v1', mode };
}

/** A length-delimited protobuf field (tag and length in one byte each: short test strings only). */
function pbString(field: number, text: string | Buffer): Buffer {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([(field << 3) | 2, bytes.length]), bytes]);
}

/**
 * The gateway's pure decisions, pinned value by value. The integration suite checks the same
 * rules against the real server (which calls it refuses); these check what the gateway makes of
 * the calls it does hold: the queue, how long it waits, and the exact retry reply.
 */
describe('Querator gateway: what is held, for how long, and the retry reply', () => {
  describe('which calls a pause holds', () => {
    it('holds exactly produce, lease, complete and retry; every other path (storage, stats, admin, reload) is only forwarded', () => {
      assert.deepEqual(HOT_PATHS, { '/v1/queue.produce': 'produce', '/v1/queue.lease': 'lease', '/v1/queue.complete': 'complete', '/v1/queue.retry': 'retry' });
      for (const path of ['/v1/storage/items.list', '/v1/storage/items.delete', '/v1/queue.stats', '/v1/queue.clear', '/v1/queue.reload', '/v1/queues.list', '/v1/queue.produce/', '/V1/QUEUE.PRODUCE']) {
        assert.equal(HOT_PATHS[path], undefined, path);
      }
    });

    it('hold mode holds all four; drain mode holds produce and lease and lets complete and retry pass', () => {
      const methods: HotMethod[] = ['produce', 'lease', 'complete', 'retry'];
      assert.deepEqual(methods.map((m) => holdsMethod(pause('hold'), m)), [true, true, true, true]);
      assert.deepEqual(methods.map((m) => holdsMethod(pause('drain'), m)), [true, true, false, false]);
    });

    it('a pause holds until its resume_at and not from that instant on; one without resume_at never runs out', () => {
      const at = Date.parse('2026-01-01T01:00:00.000Z');
      const timed = pause('hold', '2026-01-01T01:00:00.000Z');
      assert.equal(pauseExpired(timed, at - 1), false);
      assert.equal(pauseExpired(timed, at), true);
      assert.equal(pauseExpired(pause('hold'), at + 1e12), false);
    });
  });

  describe('request_timeout and the queue of a call (JSON)', () => {
    it('reads the queue and the timeout under either protojson name, in milliseconds', () => {
      assert.deepEqual(classifyCall('produce', JSON_TYPE, json({ queue_name: 'q', request_timeout: '1.5s', items: [] })), { kind: 'holdable', queue: 'q', timeoutMs: 1500 });
      assert.deepEqual(classifyCall('lease', JSON_TYPE, json({ queueName: 'q', requestTimeout: '1m30s', batch_size: 1 })), { kind: 'holdable', queue: 'q', timeoutMs: 90_000 });
      assert.deepEqual(classifyCall('complete', 'Application/JSON; charset=utf-8', json({ queue_name: 'q', request_timeout: '250ms', ids: ['a'] })), { kind: 'holdable', queue: 'q', timeoutMs: 250 });
      assert.deepEqual(classifyCall('lease', undefined, json({ queue_name: 'q', request_timeout: '2s' })), { kind: 'holdable', queue: 'q', timeoutMs: 2000 }, 'no Content-Type is JSON to DUH-RPC');
    });

    it('a retry has no request_timeout in v0.0.11: it is held up to the server’s fixed 5 minutes', () => {
      assert.equal(RETRY_REQUEST_TIMEOUT_MS, 300_000);
      assert.deepEqual(classifyCall('retry', JSON_TYPE, json({ queue_name: 'q', partition: 0, items: [{ id: 'x' }] })), { kind: 'holdable', queue: 'q', timeoutMs: 300_000 });
    });

    it('applies Querator’s limits per method: produce 10ms < t < 15m, lease 10ms < t <= 15m, complete t != 0 and t <= 15m', () => {
      const verdict = (method: HotMethod, timeout: string) => {
        const info = classifyCall(method, JSON_TYPE, json({ queue_name: 'q', request_timeout: timeout }));
        return info.kind === 'holdable' ? info.timeoutMs : 'refused';
      };
      const table: Array<[string, number | 'refused', number | 'refused', number | 'refused']> = [
        // timeout     produce     lease       complete
        ['10ms', 'refused', 'refused', 10],
        ['11ms', 11, 11, 11],
        ['14m59.999s', 899_999, 899_999, 899_999],
        ['15m', 'refused', 900_000, 900_000],
        ['900001ms', 'refused', 'refused', 'refused'],
        ['0', 'refused', 'refused', 'refused'],
        ['0s', 'refused', 'refused', 'refused'],
      ];
      for (const [timeout, produce, lease, complete] of table) {
        assert.deepEqual([verdict('produce', timeout), verdict('lease', timeout), verdict('complete', timeout)], [produce, lease, complete], timeout);
      }
    });

    it('passes to the server, with the reason, every call the server refuses before it looks at the queue', () => {
      const refused = (method: HotMethod, contentType: string | undefined, body: Buffer) => {
        const info = classifyCall(method, contentType, body);
        return info.kind === 'refused-by-server' ? info.why : `held for ${info.queue}`;
      };
      assert.equal(refused('produce', JSON_TYPE, json({ queue_name: 'q', items: [] })), 'request_timeout missing');
      assert.equal(refused('produce', JSON_TYPE, json({ queue_name: 'q', request_timeout: null })), 'request_timeout missing', 'null is the default');
      assert.equal(refused('produce', JSON_TYPE, json({ queue_name: 'q', request_timeout: 'soon' })), 'time: invalid duration "soon"');
      assert.equal(refused('produce', JSON_TYPE, json({ queue_name: 'q', request_timeout: '5' })), 'time: missing unit in duration "5"');
      assert.equal(refused('lease', JSON_TYPE, json({ queue_name: 'q', request_timeout: '16m' })), 'request_timeout 16m out of range');
      assert.equal(refused('lease', JSON_TYPE, json({ queue_name: 'q', request_timeout: 5 })), 'invalid queue_name or request_timeout');
      assert.equal(refused('lease', JSON_TYPE, json({ queue_name: 'q', queueName: 'q', request_timeout: '1s' })), 'invalid queue_name or request_timeout', 'protojson refuses both names at once');
      assert.equal(refused('lease', JSON_TYPE, json({ queue_name: 7, request_timeout: '1s' })), 'invalid queue_name or request_timeout');
      assert.equal(refused('lease', JSON_TYPE, json({ queue_name: '', request_timeout: '1s' })), 'no queue_name');
      assert.equal(refused('retry', JSON_TYPE, json({ partition: 0, items: [] })), 'no queue_name');
      assert.equal(refused('lease', JSON_TYPE, Buffer.from('{"queue_name":')), 'malformed JSON');
      assert.equal(refused('lease', JSON_TYPE, json(['q'])), 'not a JSON object');
      assert.equal(refused('lease', 'text/plain', json({ queue_name: 'q', request_timeout: '1s' })), 'unsupported Content-Type text/plain');
      assert.equal(refused('lease', 'application/x-protobuf', json({ queue_name: 'q', request_timeout: '1s' })), 'unsupported Content-Type application/x-protobuf');
    });
  });

  describe('request_timeout and the queue of a call (protobuf)', () => {
    it('finds queue_name and request_timeout at each request’s own field numbers', () => {
      const lease = Buffer.concat([pbString(1, 'q'), Buffer.from([0x10, 0x05]), pbString(3, 'client'), pbString(4, '250ms')]);
      assert.deepEqual(classifyCall('lease', PROTOBUF_TYPE, lease), { kind: 'holdable', queue: 'q', timeoutMs: 250 });
      assert.deepEqual(classifyCall('produce', PROTOBUF_TYPE, Buffer.concat([pbString(1, 'q'), pbString(2, '3s')])), { kind: 'holdable', queue: 'q', timeoutMs: 3000 });
      // complete: field 2 is the partition (a varint), field 3 the timeout.
      assert.deepEqual(classifyCall('complete', PROTOBUF_TYPE, Buffer.concat([pbString(1, 'q'), Buffer.from([0x10, 0x01]), pbString(3, '4s')])), { kind: 'holdable', queue: 'q', timeoutMs: 4000 });
      // The produce field 4 is not its timeout: no request_timeout, refused by the server.
      assert.deepEqual(classifyCall('produce', PROTOBUF_TYPE, Buffer.concat([pbString(1, 'q'), pbString(4, '3s')])), { kind: 'refused-by-server', why: 'request_timeout missing' });
      assert.deepEqual(classifyCall('retry', PROTOBUF_TYPE, Buffer.concat([pbString(1, 'q'), Buffer.from([0x10, 0x00])])), { kind: 'holdable', queue: 'q', timeoutMs: 300_000 });
    });

    it('reads fields the way Go’s proto.Unmarshal does: the last occurrence wins, other wire types of a wanted field are ignored, groups are skipped', () => {
      assert.deepEqual(readStringFields(Buffer.concat([pbString(1, 'first'), pbString(1, 'last')]), [1]), new Map([[1, 'last']]));
      assert.deepEqual(readStringFields(Buffer.from([0x08, 0x05]), [1]), new Map(), 'field 1 as a varint is an unknown field to Go, not a string');
      // group field 5 (start 0x2b, a varint inside, end 0x2c), a fixed64, a fixed32, then field 1.
      const skipped = Buffer.concat([Buffer.from([0x2b, 0x08, 0x01, 0x2c]), Buffer.from([0x31, 1, 2, 3, 4, 5, 6, 7, 8]), Buffer.from([0x3d, 1, 2, 3, 4]), pbString(1, 'q')]);
      assert.deepEqual(readStringFields(skipped, [1]), new Map([[1, 'q']]));
      assert.deepEqual(readStringFields(pbString(9, Buffer.from([0xff])), [1]), new Map(), 'invalid UTF-8 in a field nobody reads is fine');
    });

    it('calls a message malformed, so the server answers it, wherever Go would refuse it', () => {
      const malformed: Array<[string, Buffer]> = [
        ['truncated string', Buffer.from([0x0a, 0x10, 0x61])],
        ['truncated varint', Buffer.from([0x10, 0x80])],
        ['field number 0', Buffer.from([0x02, 0x00])],
        ['wire type 6', Buffer.from([0x0e])],
        ['wire type 7', Buffer.from([0x0f])],
        ['end group outside a group', Buffer.from([0x2c])],
        ['unterminated group', Buffer.from([0x2b, 0x08, 0x01])],
        ['mismatched end group', Buffer.from([0x2b, 0x34])],
        ['invalid UTF-8 in the queue name', pbString(1, Buffer.from([0xc3, 0x28]))],
      ];
      for (const [what, bytes] of malformed) {
        assert.equal(readStringFields(bytes, [1, 4]), null, what);
        assert.deepEqual(classifyCall('lease', PROTOBUF_TYPE, bytes), { kind: 'refused-by-server', why: 'malformed protobuf' }, what);
      }
    });
  });

  describe('Go durations (time.ParseDuration)', () => {
    it('reads what Go reads, in milliseconds', () => {
      const cases: Array<[string, number]> = [
        ['300ms', 300],
        ['1.5h', 5_400_000],
        ['2h45m', 9_900_000],
        ['1h0m0.5s', 3_600_500],
        ['.5s', 500],
        ['5.s', 5000],
        ['-1m', -60_000],
        ['+1s', 1000],
        ['0', 0],
        ['-0', 0],
        ['1us', 0.001],
        ['1\u00b5s', 0.001],
        ['1\u03bcs', 0.001],
        ['1000000ns', 1],
        ['2562047h', 9_223_369_200_000],
      ];
      for (const [text, ms] of cases) assert.equal(parseGoDuration(text), ms, text);
    });

    it('refuses what Go refuses, with Go’s message', () => {
      const cases: Array<[string, string]> = [
        ['', 'time: invalid duration ""'],
        ['-', 'time: invalid duration "-"'],
        ['.', 'time: invalid duration "."'],
        ['.s', 'time: invalid duration ".s"'],
        ['s', 'time: invalid duration "s"'],
        ['1', 'time: missing unit in duration "1"'],
        ['1s1', 'time: missing unit in duration "1s1"'],
        ['1S', 'time: unknown unit "S" in duration "1S"'],
        ['1 s', 'time: unknown unit " s" in duration "1 s"'],
        ['1e3ms', 'time: unknown unit "e" in duration "1e3ms"'],
        [' 1s', 'time: invalid duration " 1s"'],
        ['2562048h', 'time: invalid duration "2562048h"'],
      ];
      for (const [text, message] of cases) assert.throws(() => parseGoDuration(text), { name: 'GoDurationError', message }, JSON.stringify(text));
    });
  });

  describe('the retry reply', () => {
    it('is Querator’s 454 body in JSON, with the comma style the server was seen to use', () => {
      const plain = retryReply(undefined, PAUSED_RETRY_MESSAGE, new JsonStyle());
      assert.equal(plain.contentType, 'application/json');
      assert.equal(plain.body.toString(), '{"code":454,"code_text":"Retry Request","message":"request timeout; queue is paused, try again"}');
      const spaced = new JsonStyle();
      spaced.observe('{"code":400, "code_text":"Bad Request", "message":"x"}');
      assert.equal(retryReply('application/json', 'a "quoted" message', spaced).body.toString(), '{"code":454, "code_text":"Retry Request", "message":"a \\"quoted\\" message"}');
    });

    it('is a DUH-RPC Reply in protobuf when the caller asks for protobuf, and JSON for any Accept that is neither', () => {
      const reply = retryReply('application/protobuf', PAUSED_RETRY_MESSAGE, new JsonStyle());
      assert.equal(reply.contentType, 'application/protobuf');
      const message = Buffer.from(PAUSED_RETRY_MESSAGE);
      assert.deepEqual(reply.body, Buffer.concat([Buffer.from([0x08, 0xc6, 0x03]), pbString(2, 'Retry Request'), pbString(3, message)]));
      assert.deepEqual(readStringFields(reply.body, [2, 3]), new Map([[2, 'Retry Request'], [3, PAUSED_RETRY_MESSAGE]]));
      assert.deepEqual(encodeDuhReply(454, 'Retry Request', ''), Buffer.concat([Buffer.from([0x08, 0xc6, 0x03]), pbString(2, 'Retry Request')]), 'proto3 leaves an empty message out');
      for (const accept of ['text/html', 'application/x-protobuf', '*/*', '']) assert.equal(retryReply(accept, 'm', new JsonStyle()).contentType, 'application/json', accept);
    });

    it('learns the comma style once, from the first reply that shows it, and never from bodies that do not', () => {
      const style = new JsonStyle();
      for (const body of ['[1,2]', '{"items":[{"a":1}, {"b":2}]}', 'not json', '{"code":400}']) style.observe(body);
      assert.equal(style.isLearned, false);
      assert.equal(style.comma, ',');
      style.observe(Buffer.from('{"queue_name":"q", "items":[]}'));
      assert.equal(style.comma, ', ');
      style.observe('{"code":200,"code_text":"OK"}');
      assert.equal(style.comma, ', ', 'one binary, one style');
    });

    it('tells JSON from protobuf as DUH-RPC does: the media type before any ";" or ",", any case', () => {
      const cases: Array<[string | undefined, string]> = [
        [undefined, 'json'],
        ['', 'json'],
        ['*/*', 'json'],
        ['application/*', 'json'],
        [' Application/JSON ; charset=utf-8', 'json'],
        ['application/json, application/protobuf', 'json'],
        ['application/protobuf', 'protobuf'],
        ['APPLICATION/PROTOBUF, */*', 'protobuf'],
        ['application/x-protobuf', 'other'],
        ['application/json+x', 'other'],
        ['text/plain', 'other'],
      ];
      for (const [header, format] of cases) assert.equal(mediaFormat(header), format, String(header));
    });

    it('reads the server’s error replies for the log, and nothing else', () => {
      assert.deepEqual(readDuhError('{"code":400,"code_text":"Bad Request","message":"queue_name is invalid"}'), { code: 400, message: 'queue_name is invalid' });
      assert.deepEqual(readDuhError('{"code":503}'), { code: 503, message: '' });
      assert.equal(readDuhError('{"message":"no code"}'), null);
      assert.equal(readDuhError('<html>'), null);
    });
  });
});
