import { Type } from '@sinclair/typebox';

/** JSON schemas for the OpenAPI document; request bodies of ingest are checked by the decoders. */
export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable error code' }),
      message: Type.String(),
      field: Type.Optional(Type.String({ description: 'Dotted path of the field at fault' })),
    }),
  },
  { additionalProperties: true, description: 'Every 4xx and 5xx' },
);

const num = (description: string) => Type.Optional(Type.Union([Type.Number(), Type.Null()], { description }));
const time = (description: string) =>
  Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description }));

export const FlatRecordSchema = Type.Object(
  {
    pipeline_id: Type.String(),
    id: Type.Optional(Type.String({ description: 'Execution id (or execution_id)' })),
    execution_id: Type.Optional(Type.String()),
    event_id: Type.Optional(Type.String()),
    type: Type.Optional(
      Type.Union(
        [Type.Literal('execution'), Type.Literal('stage'), Type.Literal('log'), Type.Literal('metric')],
        {
          description: 'Absent for the original flat record; typed events carry their kind',
        },
      ),
    ),
    status: Type.Optional(
      Type.Union(
        ['pending', 'queued', 'running', 'completed', 'failed', 'cancelled'].map((s) => Type.Literal(s)),
      ),
    ),
    duration_seconds: num('≥ 0'),
    stage_failures: num('whole number ≥ 0'),
    retry_count: num('whole number ≥ 0'),
    throughput_per_minute: num('≥ 0'),
    latency_ms: num('≥ 0'),
    cpu_percent: num('0–100'),
    memory_percent: num('0–100'),
    data_volume_mb: num('≥ 0'),
    error_message: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    stage_errors: Type.Optional(Type.Array(Type.String())),
    started_at: time('ISO-8601'),
    completed_at: time('ISO-8601'),
    timestamp: time('ISO-8601; at most 5 minutes in the future'),
  },
  { additionalProperties: true },
);

export const IngestBodySchema = Type.Union([FlatRecordSchema, Type.Array(FlatRecordSchema)], {
  description:
    'One record (application/json), a JSON array, or NDJSON (application/x-ndjson). Records without `type` are the original flat execution records; typed events: execution, stage, log, metric.',
});

export const IngestOneSchema = Type.Object({
  success: Type.Boolean(),
  pipeline_id: Type.String(),
  sampled_events: Type.Integer(),
  generated_at: Type.String({ format: 'date-time' }),
});

export const IngestBatchSchema = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), field: Type.String(), reason: Type.String() })),
  generated_at: Type.String({ format: 'date-time' }),
});

/** 200 of ingest: one record gets the original answer, a batch its counts. */
export const IngestResponseSchema = Type.Union([IngestOneSchema, IngestBatchSchema], {
  description: 'One record: the original answer. A batch: accepted count and per-item rejections.',
});

export const PipelineParams = Type.Object({ pipeline_id: Type.String({ minLength: 1, maxLength: 256 }) });

export const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

export const SnapshotSchema = Type.Object(
  {
    pipeline_id: Type.String(),
    window_minutes: Type.Number(),
    sampled_events: Type.Integer(),
    metrics: Type.Object({}, { additionalProperties: true }),
    signals: Type.Object({}, { additionalProperties: true }),
    health: Type.Object({}, { additionalProperties: true }),
    generated_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: true },
);

export const PipelineListSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      pipeline_id: Type.String(),
      health_score: Type.Number(),
      sampled_events: Type.Integer(),
      failure_rate: Type.Number(),
      reasons: Type.Array(Type.String()),
    }),
  ),
  total: Type.Integer(),
});
