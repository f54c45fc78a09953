import { z } from 'zod';

/** Query of GET .../peek: how many of the latest records to show per output topic. */
export const PeekRequest = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(20),
  })
  .strict();
export type PeekRequestInput = z.input<typeof PeekRequest>;
export type PeekRequest = z.output<typeof PeekRequest>;

/** Values longer than this are cut, so a peek at large records stays a small answer. */
export const PEEK_VALUE_MAX_CHARS = 16_384;

export const PeekRecord = z.object({
  partition: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  timestamp: z.iso.datetime({ offset: true }),
  key: z.string().nullable(),
  /** UTF-8 text, or base64 when `binary` (Avro, Protobuf, ...); null for a tombstone. */
  value: z.string().nullable(),
  binary: z.boolean(),
  /** The value was longer than PEEK_VALUE_MAX_CHARS and is cut there. */
  truncated: z.boolean(),
  headers: z.number().int().nonnegative(),
});
export type PeekRecord = z.infer<typeof PeekRecord>;

export const PartitionOffsets = z.object({
  partition: z.number().int().nonnegative(),
  /** Oldest offset still stored, and the next offset to be written. */
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type PartitionOffsets = z.infer<typeof PartitionOffsets>;

export const TopicPeek = z.object({
  topic: z.string(),
  partitions: z.array(PartitionOffsets),
  /** The latest `limit` records across partitions, oldest first (newest last). */
  records: z.array(PeekRecord),
});
export type TopicPeek = z.infer<typeof TopicPeek>;

export const PeekResponse = z.object({
  id: z.string(),
  limit: z.number().int(),
  readAt: z.iso.datetime({ offset: true }),
  topics: z.array(TopicPeek),
});
export type PeekResponse = z.infer<typeof PeekResponse>;
