/** For tests and benchmarks only: the pieces behind openStore, to assemble with fakes. */
export { openPgliteClient, type PgliteClientOptions } from './pglite/client.js';
export { openPostgresClient, type PostgresClientOptions } from './postgres/client.js';
export { encodeGroup, decodeSegment, GROUP_HEADER_BYTES } from './journal/format.js';
export { listSegments, segmentPath } from './journal/segments.js';
export { recoverJournal } from './journal/recover.js';
export { lockDirectory } from './journal/lock.js';
export { serializeEvent } from './events/serialize.js';
export { maxEventId, scanLatestPage } from './events/sql/scan-latest.js';
export { pruneEvents } from './events/sql/prune-events.js';
