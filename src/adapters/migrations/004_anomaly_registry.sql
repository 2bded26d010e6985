-- Model registry: every trained version of every model kind with its artifact and training metadata.
-- `status` is the rollout state (the prediction issue adds shadow/canary promotion on top).
CREATE TABLE flexiroaster_ai.model_registry (
  kind text NOT NULL CHECK (kind IN ('anomaly', 'prediction', 'duration')),
  model_version text NOT NULL,
  status text NOT NULL CHECK (status IN ('shadow', 'canary', 'full', 'retired')),
  artifact text NOT NULL,
  training_window_start timestamptz,
  training_window_end timestamptz,
  contamination double precision,
  feature_names text[] NOT NULL DEFAULT '{}',
  metrics jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (kind, model_version)
);
CREATE INDEX model_registry_kind_seq_idx ON flexiroaster_ai.model_registry (kind, seq);

-- Incidents: anomalies of one pipeline and kind, grouped until things are normal again.
CREATE TABLE flexiroaster_ai.incidents (
  id text PRIMARY KEY,
  pipeline_id text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'resolved')),
  opened_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  resolved_at timestamptz,
  anomaly_count integer NOT NULL,
  max_score double precision NOT NULL,
  title text NOT NULL
);
CREATE INDEX incidents_opened_at_idx ON flexiroaster_ai.incidents (opened_at DESC);
-- At most one open incident per pipeline and kind, whatever the process doing the grouping.
CREATE UNIQUE INDEX incidents_one_open_idx ON flexiroaster_ai.incidents (pipeline_id, kind) WHERE status = 'open';

-- Every anomaly found, with the inputs it was judged on and the model version that judged it.
CREATE TABLE flexiroaster_ai.anomalies (
  id text PRIMARY KEY,
  kind text NOT NULL,
  pipeline_id text NOT NULL,
  execution_id text,
  metric text,
  detected_at timestamptz NOT NULL,
  score double precision NOT NULL,
  reasons jsonb NOT NULL,
  algorithm text NOT NULL,
  model_version text,
  contributions jsonb NOT NULL,
  inputs jsonb NOT NULL,
  incident_id text REFERENCES flexiroaster_ai.incidents (id)
);
CREATE INDEX anomalies_detected_at_idx ON flexiroaster_ai.anomalies (detected_at DESC);
CREATE INDEX anomalies_pipeline_idx ON flexiroaster_ai.anomalies (pipeline_id, detected_at DESC);

-- Feedback on anomalies: labels for training.
CREATE TABLE flexiroaster_ai.anomaly_feedback (
  id text PRIMARY KEY,
  anomaly_id text NOT NULL REFERENCES flexiroaster_ai.anomalies (id),
  label text NOT NULL CHECK (label IN ('true_positive', 'false_positive')),
  note text,
  created_at timestamptz NOT NULL
);
CREATE INDEX anomaly_feedback_anomaly_idx ON flexiroaster_ai.anomaly_feedback (anomaly_id);

-- Insights in FlexiRoaster's ai_insights shape, kept here; written back when write-back is on.
CREATE TABLE flexiroaster_ai.insights (
  id text PRIMARY KEY,
  insight_type text NOT NULL CHECK (insight_type IN ('failure_prediction', 'anomaly', 'optimization', 'cost')),
  source text NOT NULL,
  source_id text NOT NULL,
  pipeline_id text NOT NULL,
  execution_id text,
  severity text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
  title text NOT NULL,
  description text NOT NULL,
  recommendation text,
  confidence numeric(3, 2) NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  written_back_at timestamptz,
  UNIQUE (source, source_id)
);
CREATE INDEX insights_pending_idx ON flexiroaster_ai.insights (created_at) WHERE written_back_at IS NULL;
