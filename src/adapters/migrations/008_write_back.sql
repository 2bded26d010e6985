-- Write-back to FlexiRoaster's ai_insights and alerts (when on). An insight's `written_back_at` is set
-- only after the target committed; `write_back_outcome` says what became of it there: `written`, or
-- `skipped:<reason>` (its pipeline is not in the source's pipelines table, a prediction below the
-- alert threshold). A replaced insight gets written_back_at NULL again and is written again in place.
ALTER TABLE flexiroaster_ai.insights ADD COLUMN write_back_outcome text;
-- The written insights whose dismissal in ai_insights is read back, newest first.
CREATE INDEX insights_written_back_idx ON flexiroaster_ai.insights (created_at DESC)
  WHERE write_back_outcome = 'written' AND NOT dismissed;

-- The alert of each incident in the target's alerts table: `open` once written, `resolved` once the
-- incident resolved and the alert was closed there, `skipped` (with the reason) when it is not written.
CREATE TABLE flexiroaster_ai.incident_alerts (
  incident_id text PRIMARY KEY,
  pipeline_id text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'resolved', 'skipped')),
  reason text,
  updated_at timestamptz NOT NULL
);
CREATE INDEX incident_alerts_open_idx ON flexiroaster_ai.incident_alerts (incident_id) WHERE status = 'open';
