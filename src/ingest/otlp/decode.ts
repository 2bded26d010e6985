import { eventKeys, type MetricEvent } from '../../domain/index.js';
import { ValidationError } from '../../shared/index.js';
import { asList, asObject, otlpNumber, readAttributes } from './attributes.js';
import { engineMetric } from './names.js';

/** Which resource/point attributes carry the three correlation ids. */
export interface OtlpAttributeNames {
  pipelineId: string;
  executionId: string;
  stageId: string;
}

export interface OtlpContext {
  receivedAt: number;
  attributes: OtlpAttributeNames;
  /** How far ahead of receipt a point's time may be. @default 300000 */
  maxFutureMs?: number;
}

/** Events from a request, and how many data points were dropped (no pipeline id) with the first reason. */
export interface OtlpDecoded {
  events: MetricEvent[];
  rejectedPoints: number;
  firstRejection: string | null;
}

type Obj = Readonly<Record<string, unknown>>;
interface Place {
  pipelineId: string | null;
  executionId: string | null;
  stageId: string | null;
}

/**
 * Maps an OTLP/HTTP JSON `ExportMetricsServiceRequest` to metric events: gauges and sums point by
 * point, histograms and summaries as `<name>_mean` and `<name>_count` (a duration histogram's mean is
 * latency_ms). A malformed request throws a ValidationError naming the field; points without a
 * pipeline id are dropped and counted (OTLP partial success).
 */
export function decodeOtlpMetrics(body: unknown, ctx: OtlpContext): OtlpDecoded {
  const out: OtlpDecoded = { events: [], rejectedPoints: 0, firstRejection: null };
  const root = asObject(body, 'body');
  asList(root, 'resourceMetrics', 'body').forEach((rmValue, i) => {
    const rf = `resourceMetrics.${i}`;
    const rm = asObject(rmValue, rf);
    const resource = rm.resource === undefined ? {} : asObject(rm.resource, `${rf}.resource`);
    const resAttrs = readAttributes(resource.attributes, `${rf}.resource.attributes`);
    asList(rm, 'scopeMetrics', rf).forEach((smValue, j) => {
      const sf = `${rf}.scopeMetrics.${j}`;
      asList(asObject(smValue, sf), 'metrics', sf).forEach((mValue, k) =>
        decodeMetric(asObject(mValue, `${sf}.metrics.${k}`), `${sf}.metrics.${k}`, resAttrs, ctx, out),
      );
    });
  });
  return out;
}

function decodeMetric(
  m: Obj,
  field: string,
  resAttrs: Map<string, string>,
  ctx: OtlpContext,
  out: OtlpDecoded,
) {
  if (typeof m.name !== 'string' || m.name === '')
    throw new ValidationError(`${field}.name`, `${field}.name must be a non-empty string`);
  const unit = typeof m.unit === 'string' ? m.unit : '';
  const kind = (['gauge', 'sum', 'histogram', 'summary', 'exponentialHistogram'] as const).find(
    (k) => m[k] !== undefined && m[k] !== null,
  );
  if (kind === undefined)
    throw new ValidationError(field, `${field} has no gauge, sum, histogram or summary`);
  const data = asObject(m[kind], `${field}.${kind}`);
  asList(data, 'dataPoints', `${field}.${kind}`).forEach((pValue, n) => {
    const pf = `${field}.${kind}.dataPoints.${n}`;
    const p = asObject(pValue, pf);
    const place = placeOf(resAttrs, readAttributes(p.attributes, `${pf}.attributes`), ctx.attributes);
    const time = pointTime(p, pf, ctx);
    const samples =
      kind === 'gauge' || kind === 'sum'
        ? [scalarSample(m.name as string, unit, p, pf)]
        : distributionSamples(m.name as string, unit, p, pf);
    if (place.pipelineId === null) {
      out.rejectedPoints++;
      out.firstRejection ??= `${pf}: no ${ctx.attributes.pipelineId} attribute on the point or its resource`;
      return;
    }
    for (const s of samples)
      out.events.push(metricEvent(place as Place & { pipelineId: string }, s, time, ctx));
  });
}

function scalarSample(name: string, unit: string, p: Obj, pf: string): { name: string; value: number } {
  const raw = p.asDouble ?? p.asInt;
  if (raw === undefined || raw === null)
    throw new ValidationError(`${pf}.asDouble`, `${pf} has no asDouble or asInt`);
  const { name: mapped, factor } = engineMetric(name, unit);
  return {
    name: mapped,
    value: otlpNumber(raw, `${pf}.${p.asDouble !== undefined ? 'asDouble' : 'asInt'}`) * factor,
  };
}

function distributionSamples(
  name: string,
  unit: string,
  p: Obj,
  pf: string,
): { name: string; value: number }[] {
  const count = otlpNumber(p.count ?? 0, `${pf}.count`);
  if (count < 0) throw new ValidationError(`${pf}.count`, `${pf}.count must be ≥ 0`);
  const sum = p.sum === undefined || p.sum === null ? null : otlpNumber(p.sum, `${pf}.sum`);
  const mapped = engineMetric(name, unit);
  const base = mapped.name === 'latency_ms' ? 'latency_ms' : `${mapped.name}_mean`;
  const countName = `${name.replace(/[^a-zA-Z0-9_]/g, '_').toLowerCase()}_count`;
  const samples = [{ name: countName, value: count }];
  if (sum !== null && count > 0) samples.push({ name: base, value: (sum / count) * mapped.factor });
  return samples;
}

function placeOf(res: Map<string, string>, point: Map<string, string>, names: OtlpAttributeNames): Place {
  const get = (k: string) => point.get(k) ?? res.get(k) ?? null;
  return {
    pipelineId: get(names.pipelineId),
    executionId: get(names.executionId),
    stageId: get(names.stageId),
  };
}

function pointTime(p: Obj, pf: string, ctx: OtlpContext): number {
  const raw = p.timeUnixNano;
  if (raw === undefined || raw === null || raw === '0' || raw === 0) return ctx.receivedAt;
  if (typeof raw !== 'string' && typeof raw !== 'number')
    throw new ValidationError(`${pf}.timeUnixNano`, `${pf}.timeUnixNano must be a decimal string`);
  let ms: number;
  try {
    ms = Number(BigInt(raw) / 1_000_000n);
  } catch {
    throw new ValidationError(
      `${pf}.timeUnixNano`,
      `${pf}.timeUnixNano must be a whole number of nanoseconds`,
    );
  }
  if (ms > ctx.receivedAt + (ctx.maxFutureMs ?? 300_000))
    throw new ValidationError(
      `${pf}.timeUnixNano`,
      `${pf}.timeUnixNano is more than 5 minutes in the future`,
    );
  return ms;
}

function metricEvent(
  place: Place & { pipelineId: string },
  s: { name: string; value: number },
  time: number,
  ctx: OtlpContext,
): MetricEvent {
  // Keyed by content: an exporter retrying the same request produces the same events.
  const content = JSON.stringify([place.pipelineId, place.executionId, place.stageId, s.name, time, s.value]);
  return {
    kind: 'metric',
    key: eventKeys.content('metric', content),
    pipeline_id: place.pipelineId,
    event_time: time,
    received_at: ctx.receivedAt,
    execution_id: place.executionId,
    stage_id: place.stageId,
    name: s.name,
    value: s.value,
  };
}
