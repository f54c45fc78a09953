import { config } from 'zod';

// Imported first by extension.ts, before any schema exists. Zod's JIT probes `navigator`,
// which VS Code's extension host reports as an error (PendingMigrationError) on every
// activation; the interpreted mode skips the probe and is fast enough for our messages.
config({ jitless: true });
