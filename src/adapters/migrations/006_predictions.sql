-- Every failure prediction the service made: on request, when a run started, before a scheduled run
-- (preflight); by the serving model and by each shadow model. Outcomes are joined once runs finish,
-- so model versions can be compared on the same requests.
CREATE TABLE flexiroaster_ai.predictions (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('request', 'run_start', 'preflight')),
  pipeline_id text,
  execution_id text,
  model_version text,
  model_type text NOT NULL,
  shadow boolean NOT NULL DEFAULT false,
  failure_probability double precision NOT NULL,
  features jsonb NOT NULL,
  stage_risks jsonb NOT NULL,
  top_risk_factors jsonb NOT NULL,
  duration_model_version text,
  duration_forecast jsonb,
  timeout_seconds double precision,
  predicted_at timestamptz NOT NULL,
  -- The start a preflight was made for.
  planned_at timestamptz,
  -- 1 when the run failed, 0 when it succeeded; null until it finished.
  outcome smallint CHECK (outcome IN (0, 1)),
  outcome_at timestamptz,
  actual_duration_seconds double precision
);
CREATE INDEX predictions_predicted_at_idx ON flexiroaster_ai.predictions (predicted_at DESC);
CREATE INDEX predictions_pipeline_idx ON flexiroaster_ai.predictions (pipeline_id, predicted_at DESC);
CREATE INDEX predictions_execution_idx ON flexiroaster_ai.predictions (execution_id) WHERE execution_id IS NOT NULL;
CREATE INDEX predictions_version_idx ON flexiroaster_ai.predictions (model_version, predicted_at);
CREATE INDEX predictions_duration_version_idx ON flexiroaster_ai.predictions (duration_model_version, predicted_at)
  WHERE duration_model_version IS NOT NULL;
-- Preflights waiting for the run they were made for.
CREATE INDEX predictions_open_preflight_idx ON flexiroaster_ai.predictions (pipeline_id, planned_at)
  WHERE kind = 'preflight' AND execution_id IS NULL;
