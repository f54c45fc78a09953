import type { PeekRecord, PeekResponse, TopicPeek } from '../protocol/peek';

/**
 * A peek as text, one record per line, newest last: what `pipeline-pause peek` prints and the
 * editor's peek document shows (language `log`, so timestamps and values get colors).
 */
export function formatPeek(peek: PeekResponse): string {
  const lines = [
    `# ${peek.id} · latest ${peek.limit} ${peek.limit === 1 ? 'record' : 'records'} per output topic · read ${peek.readAt}`,
    '# read without a consumer group: nothing joined, nothing committed',
  ];
  for (const topic of peek.topics) lines.push('', ...topicLines(topic));
  return `${lines.join('\n')}\n`;
}

function topicLines(topic: TopicPeek): string[] {
  const ends = topic.partitions.map((p) => `p${p.partition} ${p.start}..${p.end}`).join(', ');
  const header = `# topic ${topic.topic} · offsets ${ends || 'none'} · ${topic.records.length} shown`;
  return [header, ...(topic.records.length ? topic.records.map(recordLine) : ['(no records yet)'])];
}

function recordLine(record: PeekRecord): string {
  const notes = [
    record.headers ? `${record.headers} ${record.headers === 1 ? 'header' : 'headers'}` : null,
    record.binary ? 'binary, base64' : null,
    record.truncated ? 'cut' : null,
  ].filter(Boolean);
  const value = record.value === null ? '(tombstone)' : oneLine(record.value);
  return `${record.timestamp} p${record.partition}@${record.offset} key=${record.key === null ? 'null' : oneLine(record.key)} ${value}${notes.length ? `  (${notes.join(', ')})` : ''}`;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '\\n');
}
