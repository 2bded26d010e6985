-- Self-healing guard state that outlives a restart: per pipeline, the idempotency keys decided, the
-- rate window, the cooldown, the circuit breaker, flap damping and whether the pipeline is under
-- remediation (the fleet cap counts those). One row per pipeline with anything left to guard; a row
-- whose windows have all expired is deleted.
CREATE TABLE flexiroaster_ai.healing_guard_state (
  pipeline_id text PRIMARY KEY,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
