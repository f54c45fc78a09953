import { z } from 'zod';
import { connectionName, endpointUrl } from '../connectionFields';
import { parseDuration } from '../../../protocol/duration';

const duration = z.string().refine(
  (text) => {
    try {
      parseDuration(text);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'a duration is a number with a unit, e.g. 72h, 3d or 90m' },
);

export const RelationalMigratorConfig = z
  .object({
    name: connectionName,
    kind: z.literal('relational-migrator'),
    description: z.string().optional(),
    url: endpointUrl().default('http://127.0.0.1:8278').describe('Base URL of Relational Migrator (its REST API is under /api/v1).'),
    cdcRetention: duration
      .optional()
      .describe("How long the source database keeps its change log (binlog / WAL / CDC tables), e.g. 72h or 3d. Turns the Migrator's warning into a deadline: a job paused longer than this loses events."),
    kafkaSupport: z
      .boolean()
      .default(true)
      .describe('Whether this Relational Migrator runs with Kafka support. Only Kafka-backed sync jobs can pause; set false to never offer pause.'),
    projectId: z.string().min(1).optional().describe('Only the jobs of this project.'),
    maxJobs: z.number().int().min(1).max(1000).default(50).describe('How many of the most recently submitted jobs to list.'),
    includeFinished: z.boolean().default(false).describe('Also list COMPLETED and CANCELLED jobs.'),
    pollIntervalSeconds: z.number().min(0.2).max(3600).default(5),
    requestTimeoutSeconds: z.number().min(1).max(300).default(10),
    settleSeconds: z.number().min(0).max(120).default(5).describe('After pause or resume, how long to wait for the job to report it before answering.'),
  })
  .strict();
export type RelationalMigratorConfig = z.output<typeof RelationalMigratorConfig>;
