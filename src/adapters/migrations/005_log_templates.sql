-- Log templates mined from log lines and error messages, shared by every pipeline (one miner for the
-- fleet): what the miner needs to be rebuilt after a restart (tokens, tree route, creation order) and
-- what the API shows (text, count, example, error signature, first and last seen).
CREATE TABLE flexiroaster_ai.log_templates (
  id text PRIMARY KEY,
  seq bigint NOT NULL,
  text text NOT NULL,
  tokens jsonb NOT NULL,
  route jsonb NOT NULL,
  count bigint NOT NULL,
  example text NOT NULL,
  signature text NOT NULL,
  first_seen timestamptz,
  last_seen timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Ids of templates absorbed by a merge → the template that absorbed them (old ids keep resolving).
CREATE TABLE flexiroaster_ai.log_template_aliases (
  id text PRIMARY KEY,
  alias_of text NOT NULL
);

-- How often each pipeline produced each template (the per-pipeline view and the new-template signal).
CREATE TABLE flexiroaster_ai.log_template_pipelines (
  template_id text NOT NULL,
  pipeline_id text NOT NULL,
  count bigint NOT NULL,
  first_seen timestamptz,
  last_seen timestamptz,
  PRIMARY KEY (pipeline_id, template_id)
);
CREATE INDEX log_template_pipelines_template_idx ON flexiroaster_ai.log_template_pipelines (template_id);

-- Root-cause analysis of each failed execution, as analysed online after it failed.
CREATE TABLE flexiroaster_ai.execution_root_causes (
  execution_id text NOT NULL,
  pipeline_id text NOT NULL,
  failed_at timestamptz NOT NULL,
  analyzed_at timestamptz NOT NULL,
  result jsonb NOT NULL,
  PRIMARY KEY (execution_id, pipeline_id)
);

-- Same-stage failures in the last days (root cause history): only failed stage states are indexed,
-- so the index costs ingest next to nothing.
CREATE INDEX events_failed_stages_idx ON flexiroaster_ai.events (pipeline_id, (payload ->> 'stage_name'), event_time)
  WHERE kind = 'stage' AND payload ->> 'status' = 'failed';

-- Insights a person dismissed are no longer listed (the FlexiRoaster web app hides them).
ALTER TABLE flexiroaster_ai.insights ADD COLUMN dismissed boolean NOT NULL DEFAULT false;
CREATE INDEX insights_listed_idx ON flexiroaster_ai.insights (created_at DESC) WHERE NOT dismissed;
