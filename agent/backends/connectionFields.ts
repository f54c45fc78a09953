import { z } from 'zod';

/** Fields every connection in the connections file has, whatever its backend. */
export const connectionName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a connection name is 1-64 letters, digits, "_", "." or "-"');
