/**
 * The first step of opening the store, kept apart from open-store.ts so that a caller can begin it
 * before loading the rest of the service: it imports neither the drivers nor the event store.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { lockDirectory } from './journal/lock.js';
import { openPgliteClient } from './pglite/client.js';
import type { ClosableSqlClient } from './postgres/client.js';

/** Where the store lives: the data folder, and a server instead of the embedded database. */
export interface StoreLocation {
  /** Holds the journal (`<dataDir>/journal`) and, without databaseUrl, PGlite's files (`<dataDir>/pgdata`). */
  dataDir: string;
  /** A Postgres 14+ server (or Supabase) instead of the embedded PGlite. */
  databaseUrl?: string | null;
  /** PGlite keeps its database in memory (tests, throwaway runs); the journal stays under dataDir. */
  inMemory?: boolean;
}

/** The data folder locked and, for the embedded store, PGlite opening in its worker thread. */
export interface StoreStart {
  readonly dataDir: string;
  /** The embedded database, once open (rejects if it cannot open); null when the store is a server. */
  readonly embedded: Promise<ClosableSqlClient> | null;
  /** Unlocks the data folder (openStore does, once the store it returned is closed). */
  release(): Promise<void>;
  /** For a start that fails before openStore takes over: closes the embedded database, unlocks. */
  abandon(): Promise<void>;
}

/**
 * Locks the data folder and starts opening the embedded database, without waiting for it: reopening
 * PGlite takes a second or more of its worker thread, which the caller can spend on other start work.
 */
export async function startStore(location: StoreLocation): Promise<StoreStart> {
  await mkdir(location.dataDir, { recursive: true });
  // Before PGlite opens its files: two processes on one data folder would corrupt both.
  const release = await lockDirectory(location.dataDir);
  const server = typeof location.databaseUrl === 'string' && location.databaseUrl !== '';
  const embedded = server ? null : openEmbedded(location);
  // Awaited later (openStore, abandon); until then a failure must not count as unhandled.
  embedded?.catch(() => undefined);
  return {
    dataDir: location.dataDir,
    embedded,
    release,
    abandon: async () => {
      try {
        const db = await embedded?.catch(() => null);
        await db?.close();
      } finally {
        await release();
      }
    },
  };
}

async function openEmbedded(location: StoreLocation): Promise<ClosableSqlClient> {
  if (location.inMemory === true) return openPgliteClient({ dataDir: null });
  const dataDir = join(location.dataDir, 'pgdata');
  await mkdir(dataDir, { recursive: true });
  return openPgliteClient({ dataDir });
}
