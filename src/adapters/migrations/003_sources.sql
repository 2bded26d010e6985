-- Where each change source (the FlexiRoaster database, a NATS consumer, …) has got to. Advanced only
-- after the events read up to `position` are durable, so a restart resumes without loss or double count.
CREATE TABLE flexiroaster_ai.source_checkpoints (
  source text PRIMARY KEY,
  mode text NOT NULL,
  position jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The current metadata of every source pipeline the service has seen.
CREATE TABLE flexiroaster_ai.source_pipelines (
  pipeline_id text PRIMARY KEY,
  name text NOT NULL,
  version integer NOT NULL,
  is_active boolean NOT NULL,
  schedule_cron text,
  timeout_seconds integer,
  definition jsonb NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  source_updated_at timestamptz,
  seen_at timestamptz NOT NULL DEFAULT now()
);

-- Every distinct definition a pipeline has had (remediation rolls back to one of them).
CREATE TABLE flexiroaster_ai.pipeline_versions (
  pipeline_id text NOT NULL,
  version integer NOT NULL,
  definition_hash text NOT NULL,
  definition jsonb NOT NULL,
  schedule_cron text,
  timeout_seconds integer,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  seq bigint GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (pipeline_id, version, definition_hash)
);
CREATE INDEX pipeline_versions_seq_idx ON flexiroaster_ai.pipeline_versions (pipeline_id, seq);

-- Stage metadata: places a stage run in its pipeline and weighs it (criticality).
CREATE TABLE flexiroaster_ai.source_pipeline_stages (
  stage_id text PRIMARY KEY,
  pipeline_id text NOT NULL,
  name text NOT NULL,
  type text NOT NULL,
  order_index integer NOT NULL,
  is_critical boolean NOT NULL,
  config jsonb,
  seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX source_pipeline_stages_pipeline_idx ON flexiroaster_ai.source_pipeline_stages (pipeline_id);
