-- Staged rollout of model versions: a canary's share of pipelines, and the full version each full one
-- replaced (what a rollback returns to).
ALTER TABLE flexiroaster_ai.model_registry
  ADD COLUMN rollout_share double precision CHECK (rollout_share >= 0 AND rollout_share <= 1),
  ADD COLUMN previous_full text;

-- At most one full and one canary version per kind, whatever the process making the change.
-- Earlier data could hold more than one (nothing enforced it): the newest of each stays.
UPDATE flexiroaster_ai.model_registry m SET status = 'retired'
WHERE m.status IN ('full', 'canary')
  AND m.seq < (SELECT max(x.seq) FROM flexiroaster_ai.model_registry x WHERE x.kind = m.kind AND x.status = m.status);
CREATE UNIQUE INDEX model_registry_one_full_idx ON flexiroaster_ai.model_registry (kind) WHERE status = 'full';
CREATE UNIQUE INDEX model_registry_one_canary_idx ON flexiroaster_ai.model_registry (kind) WHERE status = 'canary';
