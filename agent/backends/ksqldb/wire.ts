import { z } from 'zod';

/**
 * The ksqlDB REST shapes the adapter reads (see ../shared/reference/ksqldb.md). Parsing is
 * lenient about fields we do not use, so newer servers with more fields still parse.
 */
export const QueryStatusName = z.string(); // RUNNING | PAUSED | ERROR | UNRESPONSIVE (newer servers may add more)

export const RunningQuery = z.object({
  id: z.string(),
  queryString: z.string().default(''),
  sinks: z.array(z.string()).default([]),
  sinkKafkaTopics: z.array(z.string()).default([]),
  statusCount: z.record(z.string(), z.number()).default({}),
  queryType: z.string().default('PERSISTENT'),
  state: z.string().nullable().optional(),
});
export type RunningQuery = z.infer<typeof RunningQuery>;

export const QueryError = z.object({ timestamp: z.number().optional(), errorMessage: z.string().optional(), type: z.string().optional() });

export const QueryDescription = z.object({
  id: z.string(),
  statementText: z.string().default(''),
  sources: z.array(z.string()).default([]),
  sinks: z.array(z.string()).default([]),
  ksqlHostQueryStatus: z.record(z.string(), QueryStatusName).default({}),
  queryType: z.string().default('PERSISTENT'),
  queryErrors: z.array(QueryError).default([]),
  consumerGroupId: z.string().nullable().optional(),
  state: z.string().nullable().optional(),
});
export type QueryDescription = z.infer<typeof QueryDescription>;

export const SourceInfo = z.object({ name: z.string(), topic: z.string(), type: z.string().optional() });

export const QueriesEntity = z.object({ '@type': z.literal('queries'), queries: z.array(RunningQuery) });
export const QueryDescriptionsEntity = z.object({ '@type': z.literal('query_descriptions'), queryDescriptions: z.array(QueryDescription) });
export const StreamsEntity = z.object({ '@type': z.literal('streams'), streams: z.array(SourceInfo) });
export const TablesEntity = z.object({ '@type': z.literal('tables'), tables: z.array(SourceInfo) });

export const CommandStatus = z.object({
  status: z.string(), // QUEUED | PARSING | EXECUTING | RUNNING | TERMINATED | SUCCESS | ERROR
  message: z.string().default(''),
  queryId: z.string().nullable().optional(),
});
export type CommandStatus = z.infer<typeof CommandStatus>;

export const CurrentStatusEntity = z.object({
  '@type': z.literal('currentStatus'),
  statementText: z.string().default(''),
  commandId: z.string(),
  commandStatus: CommandStatus,
  commandSequenceNumber: z.number().optional(),
});
export type CurrentStatusEntity = z.infer<typeof CurrentStatusEntity>;

export const ErrorBody = z.object({
  '@type': z.string().optional(),
  error_code: z.number().optional(),
  message: z.string(),
  statementText: z.string().optional(),
});

export const ServerInfo = z.object({
  KsqlServerInfo: z.object({
    version: z.string(),
    kafkaClusterId: z.string().optional(),
    ksqlServiceId: z.string().optional(),
    serverStatus: z.string().optional(),
  }),
});
export type ServerInfo = z.infer<typeof ServerInfo>['KsqlServerInfo'];
