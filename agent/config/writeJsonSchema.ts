import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectionsJsonSchema } from './connectionsFile';

/** Regenerates schemas/connections.schema.json, the schema we publish for the connections file. */
export const SCHEMA_PATH = join(__dirname, '..', '..', 'schemas', 'connections.schema.json');

export function renderConnectionsSchema(): string {
  return `${JSON.stringify(connectionsJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(SCHEMA_PATH, renderConnectionsSchema());
  console.log(`wrote ${SCHEMA_PATH}`);
}
