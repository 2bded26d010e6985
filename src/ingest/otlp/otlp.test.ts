import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/index.js';
import { decodeOtlpMetrics, type OtlpContext } from '../otlp.js';

const ctx: OtlpContext = {
  receivedAt: Date.parse('2026-03-01T12:00:00Z'),
  attributes: { pipelineId: 'pipeline.id', executionId: 'execution.id', stageId: 'stage.id' },
};
const nanos = (iso: string) => String(BigInt(Date.parse(iso)) * 1_000_000n);
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });

function request(metrics: unknown[]) {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [str('pipeline.id', 'p-1'), str('service.name', 'etl')] },
        scopeMetrics: [{ scope: { name: 'x' }, metrics }],
      },
    ],
  };
}

describe('OTLP JSON metrics mapping', () => {
  it('maps gauges, sums and histograms to the engine names with ids from resource and point attributes', () => {
    const t = nanos('2026-03-01T11:59:00Z');
    const out = decodeOtlpMetrics(
      request([
        {
          name: 'process.cpu.utilization',
          unit: '1',
          gauge: {
            dataPoints: [{ timeUnixNano: t, asDouble: 0.42, attributes: [str('execution.id', 'x-1')] }],
          },
        },
        {
          name: 'rows_written',
          sum: { dataPoints: [{ timeUnixNano: t, asInt: '1200' }], isMonotonic: true },
        },
        {
          name: 'http.server.duration',
          unit: 's',
          histogram: {
            dataPoints: [{ timeUnixNano: t, count: '4', sum: 2, attributes: [str('stage.id', 's-1')] }],
          },
        },
      ]),
      ctx,
    );
    expect(out.rejectedPoints).toBe(0);
    const byName = Object.fromEntries(out.events.map((e) => [e.name, e]));
    expect(byName.cpu_percent).toMatchObject({
      value: 42,
      pipeline_id: 'p-1',
      execution_id: 'x-1',
      event_time: Date.parse('2026-03-01T11:59:00Z'),
    });
    expect(byName.rows_written.value).toBe(1200);
    expect(byName.latency_ms).toMatchObject({ value: 500, stage_id: 's-1' });
    expect(byName.http_server_duration_count.value).toBe(4);
  });

  it('gives the same keys to a retried request (redelivery counts once)', () => {
    const body = request([
      {
        name: 'cpu_percent',
        gauge: { dataPoints: [{ timeUnixNano: nanos('2026-03-01T11:00:00Z'), asDouble: 5 }] },
      },
    ]);
    const a = decodeOtlpMetrics(body, ctx);
    const b = decodeOtlpMetrics(body, { ...ctx, receivedAt: ctx.receivedAt + 5000 });
    expect(a.events[0].key).toBe(b.events[0].key);
  });

  it('drops and counts points without a pipeline id (partial success)', () => {
    const out = decodeOtlpMetrics(
      {
        resourceMetrics: [
          { scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ asDouble: 1 }] } }] }] },
        ],
      },
      ctx,
    );
    expect(out.events).toHaveLength(0);
    expect(out.rejectedPoints).toBe(1);
    expect(out.firstRejection).toMatch(/pipeline\.id/);
  });

  it.each([
    [[], 'body'],
    [{ resourceMetrics: {} }, 'body.resourceMetrics'],
    [
      { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: '' }] }] }] },
      'resourceMetrics.0.scopeMetrics.0.metrics.0.name',
    ],
    [
      { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm' }] }] }] },
      'resourceMetrics.0.scopeMetrics.0.metrics.0',
    ],
    [
      {
        resourceMetrics: [
          { scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ asDouble: 'x' }] } }] }] },
        ],
      },
      'resourceMetrics.0.scopeMetrics.0.metrics.0.gauge.dataPoints.0.asDouble',
    ],
    [
      {
        resourceMetrics: [
          {
            scopeMetrics: [
              { metrics: [{ name: 'm', gauge: { dataPoints: [{ asDouble: 1, timeUnixNano: 'soon' }] } }] },
            ],
          },
        ],
      },
      'resourceMetrics.0.scopeMetrics.0.metrics.0.gauge.dataPoints.0.timeUnixNano',
    ],
  ])('rejects a malformed request naming the field (%#)', (body, field) => {
    let caught: unknown;
    try {
      decodeOtlpMetrics(body, ctx);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).field).toBe(field);
  });
});
