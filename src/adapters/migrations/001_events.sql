-- Every accepted TelemetryEvent, append-only: each state of a key is a row; the newest row (highest id)
-- of a key is its current state. `payload` is the event exactly as accepted.
CREATE TABLE flexiroaster_ai.events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Keys are opaque identifiers: byte order ("C") compares fastest and means the same everywhere.
  key text COLLATE "C" NOT NULL,
  kind text NOT NULL,
  pipeline_id text NOT NULL,
  event_time timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  payload jsonb NOT NULL
);

-- Rebuilding windows and training read by event time, in pages keyed on (event_time, id).
CREATE INDEX events_event_time_idx ON flexiroaster_ai.events (event_time, id);
-- Retention deletes by receipt time.
CREATE INDEX events_received_at_idx ON flexiroaster_ai.events (received_at);
-- "Is there a newer state of this key?" when reading the latest state per key.
CREATE INDEX events_key_idx ON flexiroaster_ai.events (key, id);
