import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

// Feedback through HTTP: a false alarm labelled so changes what the next model trained from the store
// answers on the same input; a confirmed anomaly stays out of the normal runs.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  expect(t.anomalyErrors).toEqual([]);
  await t?.close();
});

const NOW = Date.parse('2026-03-01T12:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();
const run = (id: string, minutes: number, duration: number) => ({
  pipeline_id: 'fb',
  execution_id: id,
  status: 'completed',
  duration_seconds: duration,
  retry_count: 0,
  cpu_percent: 40 + (minutes % 3),
  memory_percent: 50 + (minutes % 4),
  data_volume_mb: 100 + (minutes % 5),
  completed_at: at(minutes),
});
const post = (url: string, payload?: unknown) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
// The odd run as the detect endpoint takes it: same numbers, same time of day.
const oddBody = {
  pipeline_id: 'fb',
  duration_seconds: 45,
  cpu_percent: 40,
  memory_percent: 50,
  data_volume_mb: 100,
  timestamp: at(-5),
};

describe('feedback into training', () => {
  it('a run labelled false_positive is normal for the next model; one labelled true_positive is not', async () => {
    for (let i = 0; i < 40; i++) {
      const res = await post('/api/monitoring/ingest', run(`n${i}`, -400 + i * 9, 30 + (i % 5)));
      expect(res.statusCode).toBe(200);
    }
    // The periodic refresh builds the pipeline's baseline from the runs judged normal.
    t.clock.advance(11 * 60_000);
    await t.anomaly.tick();
    expect((await post('/api/monitoring/ingest', run('odd', -5, 45))).statusCode).toBe(200);
    expect((await post('/api/monitoring/ingest', run('bad', -2, 90))).statusCode).toBe(200);
    await t.anomaly.flush();
    const flagged = (await t.app.inject({ url: '/api/ai/anomalies?pipeline_id=fb&kind=execution' })).json();
    const byRun = new Map(
      flagged.items.map((a: { execution_id: string; id: string }) => [a.execution_id, a.id]),
    );
    expect([...byRun.keys()].sort()).toEqual(['bad', 'odd']);

    const first = await post('/api/ai/anomaly/train', {});
    expect(first.statusCode).toBe(200);
    expect(first.json().metrics).toMatchObject({ false_alarms_learnt: 0, pipelines_widened_by_feedback: 0 });
    const before = (await post('/api/ai/anomaly/detect', oddBody)).json();
    expect(before).toMatchObject({ is_anomaly: true, model_version: first.json().model_version });
    expect(before.reasons.join(' ')).toContain('execution_time_s is 45 s, far above');

    expect(
      (await post(`/api/ai/anomalies/${byRun.get('odd')}/feedback`, { label: 'false_positive' })).statusCode,
    ).toBe(200);
    expect(
      (await post(`/api/ai/anomalies/${byRun.get('bad')}/feedback`, { label: 'true_positive' })).statusCode,
    ).toBe(200);
    const second = await post('/api/ai/anomaly/train', {});
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({
      trained_samples: 41,
      metrics: { excluded_confirmed_anomalies: 1, false_alarms_learnt: 1, pipelines_widened_by_feedback: 1 },
    });
    const after = (await post('/api/ai/anomaly/detect', oddBody)).json();
    expect(after).toMatchObject({ is_anomaly: false, model_version: second.json().model_version });
    expect(after.notes.join(' ')).toMatch(
      /feedback on false alarms widened this pipeline's normal range: execution_time_s ×/,
    );
    // The confirmed anomaly still alerts, as does anything well beyond the false alarm.
    expect(
      (await post('/api/ai/anomaly/detect', { ...oddBody, duration_seconds: 90 })).json().is_anomaly,
    ).toBe(true);
    // Another pipeline is not affected by this pipeline's feedback.
    expect(
      (await post('/api/ai/anomaly/detect', { ...oddBody, pipeline_id: 'other' })).json().notes.join(' '),
    ).not.toMatch(/feedback/);
  });
});
