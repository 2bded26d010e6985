-- Cheaper inserts into `events`, the table every accepted event lands in (issue #2: batched ingest).
-- Measured per 100k rows with a binary COPY on the server PostgreSQL (docs/BENCHMARKS.md): jsonb's
-- parse into its binary form was the largest single cost of a row, then the key index.
-- Upgrading rewrites the table once: about 16 s per million stored events on the 2-core bench machine.

-- json keeps the text as the service wrote it (validated, not converted); every reader parses the
-- payload in the service anyway, and `->>` works on json as on jsonb. The failed-stages index is
-- rebuilt on the new type by the ALTER.
ALTER TABLE flexiroaster_ai.events ALTER COLUMN payload TYPE json USING payload::json;

-- Retention deletes by receipt time, which grows with the row id: a block-range index finds the old
-- rows at a fraction of a B-tree's cost per insert.
DROP INDEX flexiroaster_ai.events_received_at_idx;
CREATE INDEX events_received_at_brin ON flexiroaster_ai.events USING brin (received_at);

-- A record without any id gets a fresh key (`n:` + a random UUID) that never repeats, so it never
-- has a newer state to look up: only the other keys need the "newer state of this key?" index.
DROP INDEX flexiroaster_ai.events_key_idx;
CREATE INDEX events_key_idx ON flexiroaster_ai.events (key, id) WHERE key NOT LIKE 'n:%';
