import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PauseError } from '../protocol/errors';
import { alreadyPaused, autoResumeSet, pauseEnd } from '../protocol/pausePolicy';
import type { PauseDetails, Scope } from '../protocol/resource';
import type { PauseCommand, ResumeCommand, ResumeOutcome } from '../protocol/commands';
import { fetchServerTime, isNotFound, isPreconditionFailed, type QueueStore } from './client';
import { decodePauseState, encodePauseState } from './controlObject';
import { CONDITIONAL_WRITE_PROBE_KEY, describeTarget, pauseKey } from './layout';
import { readObject } from './objects';
import { readControlObject } from './pauseReads';

/** Pause and resume through the control objects of seed 003, with the seed's conditional writes. */
export class PauseControl {
  private readonly probed = new Set<string>();

  constructor(private readonly store: QueueStore) {}

  async read(bucket: string, scope: Scope | null): Promise<PauseDetails | null> {
    const object = await readObject(this.store, bucket, pauseKey(scope));
    return object ? decodePauseState(object.body, object.etag) : null;
  }

  async pause(bucket: string, command: PauseCommand): Promise<PauseDetails> {
    await this.requireConditionalWrites(bucket);
    const now = await this.serverNow(bucket);
    const resumeAt = pauseEnd(command, now, 'S3 server');
    const key = pauseKey(command.scope);
    const body = encodePauseState({ pausedAt: now, pausedBy: command.pausedBy, reason: command.reason, resumeAt });
    try {
      const result = await this.store.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
          IfNoneMatch: command.force ? undefined : '*',
        }),
      );
      return decodePauseState(body, result.ETag ?? null);
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
      throw await this.alreadyPaused(bucket, command.scope);
    }
  }

  async resume(bucket: string, command: ResumeCommand): Promise<ResumeOutcome> {
    const key = pauseKey(command.scope);
    const what = describeTarget(bucket, command.scope);
    const object = await readObject(this.store, bucket, key);
    if (!object) {
      if (command.onlyIfVersion) return { resumed: false, previous: null };
      throw new PauseError('NotPaused', `${what} is not paused`);
    }
    // An unreadable control object still pauses the queue; resuming it must stay possible.
    const current = readControlObject(key, object).pause;
    if (command.onlyIfVersion && object.etag !== command.onlyIfVersion) return { resumed: false, previous: current };
    if (command.onlyIfVersion && current?.resumeAt) {
      // The seed's auto-resume goes by the server's clock, which the agent's timer cannot know.
      const notYetMs = Date.parse(current.resumeAt) - (await this.serverNow(bucket)).getTime();
      if (notYetMs > 0) return { resumed: false, previous: current, notYetMs };
    }
    if (current?.resumeAt && !command.force && !command.onlyIfVersion) {
      throw autoResumeSet(what, current.resumeAt, this.store.serverNow() ?? new Date());
    }
    try {
      // Only the pause that was read is deleted: one written since (a forced pause, say) stays.
      await this.store.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, IfMatch: object.etag ?? undefined }));
    } catch (error) {
      if (!isPreconditionFailed(error) && !isNotFound(error)) throw error;
      if (command.onlyIfVersion) return { resumed: false, previous: current };
      if (isNotFound(error)) throw new PauseError('NotPaused', `${what} was resumed by someone else while this resume ran; it is not paused`);
      throw new PauseError('Conflict', `${what} was paused again while this resume ran, so that newer pause was left in place; run status to see it, then resume again`);
    }
    return { resumed: true, previous: current };
  }

  /** Server time, never ours: pause times and auto-resume compare against the S3 clock. */
  async serverNow(bucket: string): Promise<Date> {
    return fetchServerTime(this.store, bucket);
  }

  /**
   * A server that ignores If-None-Match / If-Match would let a second pause silently overwrite
   * the first. An If-Match PUT of a missing key must fail on a server that honours it, and then
   * writes nothing; a server that ignores it creates the probe, which we remove again.
   */
  private async requireConditionalWrites(bucket: string): Promise<void> {
    if (this.probed.has(bucket)) return;
    try {
      await this.store.s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: CONDITIONAL_WRITE_PROBE_KEY, Body: new Uint8Array(0), ContentLength: 0, IfMatch: '"pipeline-pause-probe"' }),
      );
    } catch (error) {
      if (isPreconditionFailed(error) || isNotFound(error)) {
        this.probed.add(bucket);
        return;
      }
      throw error;
    }
    await this.store.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: CONDITIONAL_WRITE_PROBE_KEY }));
    throw new PauseError(
      'Unsupported',
      `S3 at ${this.store.describeEndpoint()} ignores conditional writes (If-Match / If-None-Match on PutObject), so a pause could silently overwrite another; use a server that supports them (AWS S3, MinIO, moto >= 5.1.5)`,
    );
  }

  private async alreadyPaused(bucket: string, scope: Scope | null): Promise<PauseError> {
    const existing = await this.read(bucket, scope).catch(() => null);
    return alreadyPaused(describeTarget(bucket, scope), existing);
  }

}
