-- How far each journal (one per data folder) has been copied into `events`. Advanced in the same
-- statement that inserts the rows, so a crash can never leave rows in without the checkpoint, or the
-- other way round: replaying the journal after the checkpoint never inserts a row twice.
CREATE TABLE flexiroaster_ai.journal_checkpoints (
  journal_id text PRIMARY KEY,
  flushed_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
