-- Self-healing: remediation actions, approvals, the append-only audit log, outcome labels for
-- training, operator settings and per-pipeline leases.

-- Every action decided. The idempotency key is unique: a repeated decision (a second delivery, a
-- second process, a restart) finds the first one and never executes again.
CREATE TABLE flexiroaster_ai.healing_actions (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  pipeline_id text NOT NULL,
  execution_id text,
  stage_id text,
  action text NOT NULL,
  params jsonb NOT NULL DEFAULT '{}',
  runbook text,
  status text NOT NULL CHECK (status IN ('planned', 'dry_run', 'awaiting_approval', 'executing', 'verifying',
    'succeeded', 'failed', 'unsupported', 'rejected', 'expired', 'escalated')),
  reason text,
  trigger_kind text NOT NULL CHECK (trigger_kind IN ('anomaly', 'incident', 'prediction', 'tick')),
  trigger_id text,
  executor text,
  attempts integer NOT NULL DEFAULT 0,
  result jsonb,
  verification jsonb,
  -- The decision as the healing core made it (trigger, risk, mode, keys): an approval resumes it.
  decided jsonb,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX healing_actions_created_idx ON flexiroaster_ai.healing_actions (created_at DESC);
CREATE INDEX healing_actions_pipeline_idx ON flexiroaster_ai.healing_actions (pipeline_id, created_at DESC);
CREATE INDEX healing_actions_open_idx ON flexiroaster_ai.healing_actions (status)
  WHERE status IN ('planned', 'awaiting_approval', 'executing', 'verifying');

-- Human approvals of risky actions.
CREATE TABLE flexiroaster_ai.healing_approvals (
  id text PRIMARY KEY,
  action_id text NOT NULL UNIQUE REFERENCES flexiroaster_ai.healing_actions (id),
  pipeline_id text NOT NULL,
  action text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
  reason text,
  requested_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  decided_at timestamptz,
  decided_by text
);
CREATE INDEX healing_approvals_requested_idx ON flexiroaster_ai.healing_approvals (requested_at DESC);
CREATE INDEX healing_approvals_pending_idx ON flexiroaster_ai.healing_approvals (expires_at) WHERE status = 'pending';

-- The audit log: every decision with its inputs, model versions, runbook, guard results, executor
-- call and answer, and verification. Rows are never changed; retention deletes old ones.
CREATE TABLE flexiroaster_ai.healing_audit (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN ('decision', 'execution', 'verification', 'approval', 'control')),
  pipeline_id text,
  action_id text,
  action text,
  status text,
  runbook text,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX healing_audit_at_idx ON flexiroaster_ai.healing_audit (at DESC);
CREATE INDEX healing_audit_pipeline_idx ON flexiroaster_ai.healing_audit (pipeline_id, at DESC);
CREATE INDEX healing_audit_action_id_idx ON flexiroaster_ai.healing_audit (action_id);

CREATE FUNCTION flexiroaster_ai.healing_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the healing audit log is append-only';
END;
$$;
CREATE TRIGGER healing_audit_no_update BEFORE UPDATE ON flexiroaster_ai.healing_audit
  FOR EACH ROW EXECUTE FUNCTION flexiroaster_ai.healing_audit_append_only();

-- Training labels: whether an action fixed what its anomaly, incident or prediction pointed at.
CREATE TABLE flexiroaster_ai.healing_outcomes (
  id text PRIMARY KEY,
  action_id text NOT NULL UNIQUE REFERENCES flexiroaster_ai.healing_actions (id),
  trigger_kind text NOT NULL,
  trigger_id text,
  pipeline_id text NOT NULL,
  execution_id text,
  action text NOT NULL,
  label text NOT NULL CHECK (label IN ('fixed', 'not_fixed')),
  created_at timestamptz NOT NULL
);
CREATE INDEX healing_outcomes_created_idx ON flexiroaster_ai.healing_outcomes (created_at DESC);
CREATE INDEX healing_outcomes_trigger_idx ON flexiroaster_ai.healing_outcomes (trigger_kind, trigger_id);

-- Operator settings that outlive a restart (kill switch, disabled runbooks).
CREATE TABLE flexiroaster_ai.healing_settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL
);

-- One process acts for a pipeline at a time when several share this store; a lease lapses.
CREATE TABLE flexiroaster_ai.healing_leases (
  pipeline_id text PRIMARY KEY,
  owner text NOT NULL,
  expires_at timestamptz NOT NULL
);
