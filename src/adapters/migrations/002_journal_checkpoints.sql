-- How far each journal (one per data folder) has been copied into `events`. A flush locks its
-- journal's row, inserts only the events past flushed_seq and advances it, in one transaction:
-- replaying the journal after a crash never inserts an event twice.
CREATE TABLE flexiroaster_ai.journal_checkpoints (
  journal_id text PRIMARY KEY,
  flushed_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
