import { SOURCE_TABLES } from '../../ingest/index.js';
import type { SqlClient } from '../../ports/index.js';

/** Why replication can or cannot run on a source database. */
export interface ReplicationSupport {
  ok: boolean;
  reason: string;
}

/**
 * Replication needs wal_level=logical, a role allowed to replicate, and either an existing
 * publication or ownership of the tables to create one.
 */
export async function replicationSupport(
  source: SqlClient,
  schema: string,
  publication: string,
): Promise<ReplicationSupport> {
  const { rows } = await source.query<{
    wal: string;
    can_replicate: boolean;
    has_pub: boolean;
    owns: boolean | null;
  }>(
    `SELECT current_setting('wal_level') AS wal,
       (SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user) AS can_replicate,
       EXISTS (SELECT 1 FROM pg_publication WHERE pubname = $2) AS has_pub,
       (SELECT bool_and(pg_has_role(current_user, c.relowner, 'USAGE')) FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = ANY($3::text[])) AS owns`,
    [schema, publication, [...SOURCE_TABLES]],
  );
  const r = rows[0];
  if (r.wal !== 'logical') return { ok: false, reason: `wal_level is ${r.wal}, not logical` };
  if (!r.can_replicate) return { ok: false, reason: 'the role has no REPLICATION attribute' };
  if (!r.has_pub && r.owns !== true)
    return {
      ok: false,
      reason: `no publication ${publication} and the role does not own the tables to create one`,
    };
  return { ok: true, reason: 'wal_level=logical and the role may replicate' };
}
