/**
 * Every `serve` option, declared once: the flag, its environment variable, default and doc come
 * from this table, and so do `serve --help` and the README's configuration table.
 */
export type OptionType = 'int' | 'number' | 'string' | 'bool' | 'enum';

export interface OptionSpec {
  /** Flag name without dashes, kebab-case; the env var is FLEXIROASTER_<UPPER_SNAKE>. */
  flag: string;
  type: OptionType;
  doc: string;
  default: string | number | boolean | null;
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** Conventional env aliases, weaker than the FLEXIROASTER_ form. */
  aliases?: readonly string[];
}

export const SERVE_OPTIONS = [
  { flag: 'port', type: 'int', default: 8080, min: 0, max: 65535, doc: 'HTTP port.' },
  {
    flag: 'host',
    type: 'string',
    default: '127.0.0.1',
    doc: 'Interface to bind. Without API keys only loopback is allowed.',
  },
  {
    flag: 'data-dir',
    type: 'string',
    default: './data',
    doc: 'Embedded database (PGlite) and journal folder.',
  },
  {
    flag: 'database-url',
    type: 'string',
    default: null,
    aliases: ['DATABASE_URL'],
    doc: "The service's own store on a Postgres 14+ server instead of PGlite.",
  },
  {
    flag: 'window-minutes',
    type: 'int',
    default: 60,
    min: 1,
    max: 7 * 24 * 60,
    doc: 'Sliding window length for live KPIs.',
  },
  {
    flag: 'window-max-events',
    type: 'int',
    default: 5000,
    min: 10,
    max: 1_000_000,
    doc: 'Cap on events kept per pipeline window (oldest leave first).',
  },
  {
    flag: 'demo',
    type: 'bool',
    default: null,
    doc: 'Run the built-in demo fleet. Default: on with the embedded store, off with --database-url or --source-database-url.',
  },
  {
    flag: 'demo-pipelines',
    type: 'int',
    default: 20,
    min: 1,
    max: 10_000,
    doc: 'Pipelines in the demo fleet.',
  },
  { flag: 'demo-seed', type: 'int', default: 1, doc: 'Seed of the demo fleet.' },
  {
    flag: 'api-keys',
    type: 'string',
    default: null,
    doc: 'API keys with scopes: `key1:read,ingest;key2:admin`.',
  },
  {
    flag: 'api-keys-file',
    type: 'string',
    default: null,
    doc: 'File with API keys, same format, one per line.',
  },
  { flag: 'body-limit-mb', type: 'number', default: 10, min: 0.001, max: 1024, doc: 'Largest request body.' },
  {
    flag: 'retention-days',
    type: 'number',
    default: 30,
    min: 0.0001,
    max: 3650,
    doc: 'Raw events older than this (by receipt) are pruned.',
  },
  {
    flag: 'group-commit-ms',
    type: 'number',
    default: 2,
    min: 0,
    max: 1000,
    doc: 'Longest wait to gather ingested events into one durable write; the wait is no longer than the previous write took (under 1 ms: the current tick).',
  },
  {
    flag: 'max-pending-events',
    type: 'int',
    default: 200_000,
    min: 1000,
    max: 100_000_000,
    doc: 'Events accepted but not yet in the database before ingest answers 503.',
  },
  {
    flag: 'log-level',
    type: 'enum',
    default: 'info',
    choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
    doc: 'Log level.',
  },
  {
    flag: 'source-database-url',
    type: 'string',
    default: null,
    aliases: ['SOURCE_DATABASE_URL'],
    doc: 'The FlexiRoaster (Supabase/Postgres) database to follow. No URL, no change consumer.',
  },
  { flag: 'source-schema', type: 'string', default: 'public', doc: 'Schema of the FlexiRoaster tables.' },
  {
    flag: 'source-mode',
    type: 'enum',
    default: 'auto',
    choices: ['auto', 'replication', 'triggers', 'poll'],
    doc: 'Change capture: logical replication, triggers writing an outbox (changes the source schema), or polling. auto: replication when the database allows it, else poll.',
  },
  {
    flag: 'source-slot',
    type: 'string',
    default: 'flexiroaster_ai',
    doc: 'Replication slot and publication name (one per consuming service).',
  },
  {
    flag: 'poll-interval-ms',
    type: 'int',
    default: 1000,
    min: 50,
    max: 3_600_000,
    doc: 'Time between polls of the source tables (poll mode).',
  },
  {
    flag: 'stage-critical-types',
    type: 'string',
    default: 'input,transform,output',
    doc: 'Stage types counted critical when pipeline_stages.config.critical is absent.',
  },
  {
    flag: 'nats-url',
    type: 'string',
    default: null,
    doc: 'NATS server with JetStream to read metrics from. No URL, no NATS consumer.',
  },
  {
    flag: 'nats-stream',
    type: 'string',
    default: 'FLEXIROASTER_METRICS',
    doc: 'JetStream stream of metrics.',
  },
  {
    flag: 'nats-subject',
    type: 'string',
    default: 'flexiroaster.metrics.>',
    doc: 'Subject filter of the metrics consumer (the stream is created on it when missing).',
  },
  {
    flag: 'nats-durable',
    type: 'string',
    default: 'flexiroaster-ai',
    doc: 'Durable consumer name; acknowledged only once a metric is durable.',
  },
  {
    flag: 'write-back',
    type: 'bool',
    default: null,
    doc: "Write insights and alerts back to FlexiRoaster's ai_insights and alerts tables (--source-database-url and --source-schema; with the demo and no source URL, the demo schema). Default: on when that target is the demo schema, off for a user's database.",
  },
  {
    flag: 'write-back-interval-ms',
    type: 'int',
    default: 5000,
    min: 100,
    max: 3_600_000,
    doc: 'Time between write-back passes (each also reads dismissals back; a target that is down is retried on the next).',
  },
  {
    flag: 'write-back-batch',
    type: 'int',
    default: 500,
    min: 1,
    max: 10_000,
    doc: 'Insights or incidents written per batch.',
  },
  {
    flag: 'canary-share',
    type: 'number',
    default: 0.1,
    min: 0,
    max: 1,
    doc: 'Share of pipelines (by a stable hash of pipeline_id) a canary model serves when its promotion names none.',
  },
  {
    flag: 'model-route-refresh-ms',
    type: 'int',
    default: 5000,
    min: 100,
    max: 3_600_000,
    doc: 'Longest time model routing (full, canary, shadows) is answered from memory before the registry is read again; changes made by this process apply at once.',
  },
  {
    flag: 'model-auto-promote',
    type: 'bool',
    default: false,
    doc: 'Promote the challenger model (canary, else newest shadow) to full when it is not worse than the full one on ROC-AUC and Brier over enough outcomes.',
  },
  {
    flag: 'model-gate-min-outcomes',
    type: 'int',
    default: 200,
    min: 1,
    max: 100_000_000,
    doc: 'Outcomes (labelled scores of each version in the same window) the automatic gate needs before it promotes.',
  },
  {
    flag: 'model-gate-interval-ms',
    type: 'int',
    default: 300_000,
    min: 1000,
    max: 86_400_000,
    doc: 'Time between checks of the automatic gate (with --model-auto-promote).',
  },
  {
    flag: 'runbooks',
    type: 'string',
    default: null,
    doc: 'Folder of runbooks (YAML or JSON) loaded at start. Default: the shipped `runbooks/`.',
  },
  {
    flag: 'kill-switch',
    type: 'bool',
    default: false,
    doc: 'Start with the self-healing kill switch on: nothing is executed (an operator turns it off by API).',
  },
  {
    flag: 'dry-run',
    type: 'bool',
    default: false,
    doc: 'Self-healing plans and audits every action but executes none.',
  },
  {
    flag: 'runbook-default-mode',
    type: 'enum',
    default: null,
    choices: ['dry_run', 'live'],
    doc: "Mode of runbooks that set none. Default: `live` for the demo's own orchestrator, else `dry_run` until an operator turns it off.",
  },
  {
    flag: 'webhook-url',
    type: 'string',
    default: null,
    doc: 'Send remediation actions to this URL (signed JSON POST); the webhook executor carries every action.',
  },
  {
    flag: 'webhook-secret',
    type: 'string',
    default: null,
    doc: 'Secret of the webhook signature (HMAC-SHA256 over timestamp + "." + body).',
  },
  {
    flag: 'orchestrator-url',
    type: 'string',
    default: null,
    doc: "FlexiRoaster orchestrator API base (…/api) the FlexiRoaster executor calls. Default with the demo: the demo's own `/demo/orchestrator/api`.",
  },
  {
    flag: 'executor-timeout-ms',
    type: 'int',
    default: 10_000,
    min: 10,
    max: 300_000,
    doc: "Longest wait for one executor call's answer.",
  },
  {
    flag: 'executor-max-attempts',
    type: 'int',
    default: 3,
    min: 1,
    max: 20,
    doc: 'Attempts per executor call (retries with exponential backoff on timeouts, 5xx and connection errors).',
  },
  {
    flag: 'healing-interval-ms',
    type: 'int',
    default: 30_000,
    min: 100,
    max: 3_600_000,
    doc: 'Tick of the self-healing loop (it also runs on every new anomaly, incident and prediction).',
  },
  {
    flag: 'verify-deadline-minutes',
    type: 'number',
    default: 30,
    min: 0.01,
    max: 1440,
    doc: "How long verification watches the pipeline's runs after an action before judging it failed.",
  },
  {
    flag: 'healing-cooldown-minutes',
    type: 'number',
    default: 5,
    min: 0,
    max: 1440,
    doc: 'After acting on a pipeline, other decisions for it wait this long.',
  },
  {
    flag: 'healing-rate-limit',
    type: 'int',
    default: 6,
    min: 1,
    max: 10_000,
    doc: 'Most actions per pipeline per rate window.',
  },
  {
    flag: 'healing-rate-window-minutes',
    type: 'number',
    default: 60,
    min: 1,
    max: 10_080,
    doc: 'Rate window of --healing-rate-limit.',
  },
  {
    flag: 'healing-fleet-cap',
    type: 'int',
    default: 5,
    min: 1,
    max: 100_000,
    doc: 'Most pipelines under remediation at once; past it the loop stops acting and raises a fleet incident.',
  },
  {
    flag: 'healing-breaker-failures',
    type: 'int',
    default: 3,
    min: 1,
    max: 1000,
    doc: "Failed fixes in a row that open a pipeline's circuit breaker (escalated to a human).",
  },
  {
    flag: 'healing-breaker-cool-minutes',
    type: 'number',
    default: 30,
    min: 1,
    max: 10_080,
    doc: 'An open breaker lets one trial through after this long.',
  },
  {
    flag: 'approval-ttl-minutes',
    type: 'number',
    default: 60,
    min: 1,
    max: 10_080,
    doc: 'An approval request not answered within this time expires.',
  },
  {
    flag: 'audit-retention-days',
    type: 'number',
    default: 90,
    min: 0.0001,
    max: 3650,
    doc: 'Self-healing audit records older than this are pruned.',
  },
  {
    flag: 'preflight-lead-seconds',
    type: 'int',
    default: 300,
    min: 0,
    max: 86_400,
    doc: "How long before each scheduled run (the pipeline's schedule_cron) its failure preflight is made.",
  },
  {
    flag: 'retrain-cron',
    type: 'string',
    default: '0 3 * * *',
    doc: 'When the failure and duration models retrain from the store (cron, UTC); results are registered as shadow. `off` never.',
  },
  {
    flag: 'prediction-history-days',
    type: 'number',
    default: 7,
    min: 0.01,
    max: 365,
    doc: 'Finished runs that training from the store reads.',
  },
  {
    flag: 'prediction-min-history-runs',
    type: 'int',
    default: 5,
    min: 0,
    max: 100_000,
    doc: 'A pipeline with fewer finished runs is judged by the heuristic, not the model.',
  },
  {
    flag: 'prediction-alert-precision',
    type: 'number',
    default: 0.6,
    min: 0.01,
    max: 1,
    doc: "Precision the model's alert threshold must reach on validation (alerts and insights).",
  },
  {
    flag: 'prediction-act-precision',
    type: 'number',
    default: 0.8,
    min: 0.01,
    max: 1,
    doc: "Precision the model's act threshold must reach on validation (auto-remediation).",
  },
  {
    flag: 'otlp-pipeline-attribute',
    type: 'string',
    default: 'pipeline_id',
    doc: 'OTLP resource/point attribute holding the pipeline id.',
  },
  {
    flag: 'otlp-execution-attribute',
    type: 'string',
    default: 'execution_id',
    doc: 'OTLP attribute holding the execution id.',
  },
  {
    flag: 'otlp-stage-attribute',
    type: 'string',
    default: 'stage_id',
    doc: 'OTLP attribute holding the stage id.',
  },
] as const satisfies readonly OptionSpec[];

/** `--poll-interval-ms` → `FLEXIROASTER_POLL_INTERVAL_MS`. */
export function envName(flag: string): string {
  return `FLEXIROASTER_${flag.toUpperCase().replace(/-/g, '_')}`;
}

/** `poll-interval-ms` → `pollIntervalMs`. */
export function camelName(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
