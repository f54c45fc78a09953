import type { Resource } from '../../protocol/resource';

/** How each kind names its backlog and its rows; kinds not listed use the S3 queue wording. */
export interface KindLabels {
  /** Shown in the tooltip's title line instead of the raw kind. */
  title: string;
  pending: string;
  inFlight: string;
  oldest: string;
  /** Whether the row's description shows the backlog ("lag 40"). */
  backlogInDescription: string | null;
}

const DEFAULT: KindLabels = { title: '', pending: 'Pending tasks', inFlight: 'Running tasks', oldest: 'Oldest pending', backlogInDescription: null };

const KINDS: Record<string, KindLabels> = {
  'ksqldb-query': { title: 'ksqlDB query', pending: 'Lag (records)', inFlight: 'In flight', oldest: 'Oldest unconsumed record', backlogInDescription: 'lag' },
  'kafka-connect': { title: 'Kafka Connect connector', pending: 'Lag (records)', inFlight: 'In flight', oldest: 'Oldest unconsumed record', backlogInDescription: 'lag' },
  'relational-migrator': { title: 'Relational Migrator sync job', pending: 'Pending', inFlight: 'In flight', oldest: 'Oldest pending', backlogInDescription: null },
  flink: { title: 'Flink job', pending: 'Lag (records)', inFlight: 'In flight', oldest: 'Oldest unconsumed record', backlogInDescription: 'lag' },
  querator: { title: 'Querator queue', pending: 'Items waiting', inFlight: 'Items leased', oldest: 'Oldest item', backlogInDescription: null },
};

export function kindLabels(resource: Resource): KindLabels {
  return KINDS[resource.kind] ?? { ...DEFAULT, title: resource.kind };
}

/** Persistent ksqlDB queries can be paused; transient (PUSH / PULL) ones are listed for information only. */
export function isListedOnly(resource: Resource): boolean {
  const { pause, resume, pauseAll } = resource.capabilities;
  return resource.kind === 'ksqldb-query' && !pause && !resume && !pauseAll;
}
