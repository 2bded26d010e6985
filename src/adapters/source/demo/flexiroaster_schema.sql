-- FlexiRoaster Supabase tables (public schema; auth.users is a stub). The demo creates them in a schema of its own (public. and auth. replaced); source tests load them as they are.
CREATE SCHEMA IF NOT EXISTS auth;
CREATE TABLE IF NOT EXISTS auth.users (id uuid PRIMARY KEY DEFAULT gen_random_uuid());
CREATE TABLE public.pipelines (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL, description text,
  owner_id uuid REFERENCES auth.users(id), definition jsonb NOT NULL DEFAULT '{}', version int DEFAULT 1, is_active boolean DEFAULT true,
  schedule_cron text, timeout_seconds int DEFAULT 3600, tags text[], created_at timestamptz DEFAULT now(), updated_at timestamptz DEFAULT now());
CREATE TABLE public.pipeline_stages (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), pipeline_id uuid REFERENCES public.pipelines(id) ON DELETE CASCADE,
  name text NOT NULL, type text NOT NULL CHECK (type IN ('input','transform','validation','output')), order_index int NOT NULL,
  config jsonb, dependencies text[], retry_count int DEFAULT 0, created_at timestamptz DEFAULT now());
CREATE TABLE public.executions (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), pipeline_id uuid REFERENCES public.pipelines(id),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','queued','running','completed','failed','cancelled')),
  started_at timestamptz, completed_at timestamptz, duration_seconds int, triggered_by uuid REFERENCES auth.users(id),
  trigger_type text DEFAULT 'manual' CHECK (trigger_type IN ('manual','scheduled','webhook','api')), error_message text, context jsonb,
  created_at timestamptz DEFAULT now());
CREATE TABLE public.execution_stages (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), execution_id uuid REFERENCES public.executions(id) ON DELETE CASCADE,
  stage_id uuid REFERENCES public.pipeline_stages(id), status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','running','completed','failed','skipped')),
  started_at timestamptz, completed_at timestamptz, duration_seconds int, output jsonb, error_message text, retry_count int DEFAULT 0);
CREATE TABLE public.logs (id bigserial PRIMARY KEY, level text NOT NULL CHECK (level IN ('DEBUG','INFO','WARN','ERROR','SUCCESS')), service text,
  pipeline_id uuid REFERENCES public.pipelines(id), execution_id uuid REFERENCES public.executions(id) ON DELETE CASCADE, stage_id uuid,
  message text NOT NULL, metadata jsonb, created_at timestamptz DEFAULT now());
CREATE TABLE public.metrics (id bigserial PRIMARY KEY, metric_name text NOT NULL, metric_type text NOT NULL CHECK (metric_type IN ('counter','gauge','histogram')),
  value numeric NOT NULL, tags jsonb, created_at timestamptz DEFAULT now());
CREATE TABLE public.alerts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), severity text NOT NULL CHECK (severity IN ('critical','high','medium','low')),
  title text NOT NULL, message text NOT NULL, source text, pipeline_id uuid REFERENCES public.pipelines(id), execution_id uuid REFERENCES public.executions(id),
  status text DEFAULT 'open' CHECK (status IN ('open','acknowledged','resolved')), acknowledged_by uuid, acknowledged_at timestamptz,
  resolved_by uuid, resolved_at timestamptz, metadata jsonb, created_at timestamptz DEFAULT now());
CREATE TABLE public.ai_insights (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  insight_type text NOT NULL CHECK (insight_type IN ('failure_prediction','anomaly','optimization','cost')), pipeline_id uuid REFERENCES public.pipelines(id),
  execution_id uuid REFERENCES public.executions(id), severity text CHECK (severity IN ('critical','high','medium','low','info')), title text NOT NULL,
  description text, recommendation text, confidence numeric(3,2) CHECK (confidence >= 0 AND confidence <= 1), metadata jsonb,
  is_dismissed boolean DEFAULT false, created_at timestamptz DEFAULT now());
