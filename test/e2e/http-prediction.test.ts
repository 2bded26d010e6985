import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlPipelineCatalog } from '../../src/adapters/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-01T12:00:00Z');

// The original case (SEED_API.md "Prediction"): two samples, one failed.
const SAMPLES = [
  {
    historical_failure_rate: 0.8,
    recent_error_count: 6,
    stage_count: 5,
    critical_stage_count: 3,
    avg_cpu_percent: 92,
    avg_memory_percent: 88,
    retry_frequency: 2.5,
    failed: true,
  },
  {
    historical_failure_rate: 0.05,
    recent_error_count: 0,
    stage_count: 3,
    critical_stage_count: 1,
    avg_cpu_percent: 35,
    avg_memory_percent: 40,
    retry_frequency: 0.1,
    failed: false,
  },
];
const { failed: _f, ...SAMPLE } = SAMPLES[0];
const STAGES = [
  { name: 'extract', retry_count: 2, historical_failure_rate: 0.4, is_critical: true },
  { name: 'validate', retry_count: 1, historical_failure_rate: 0.2, is_critical: false },
];

let t: TestApp;
let version = '';
const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: payload === undefined ? '' : JSON.stringify(payload),
  });
const get = (url: string) => t.app.inject({ method: 'GET', url });

/** One execution of a pipeline: running at `start`, finished `minutes` later (failed or not). */
async function run(pipeline: string, id: string, start: number, failed: boolean, minutes = 5, cpu = 40) {
  const running = {
    pipeline_id: pipeline,
    id,
    status: 'running',
    started_at: new Date(start).toISOString(),
    trigger_type: 'scheduled',
  };
  // The service clock follows the run, as it would live (times in the future are refused).
  if (t.clock.now() < start) t.clock.set(start);
  expect((await post('/api/monitoring/ingest', running)).statusCode).toBe(200);
  const end = start + minutes * MIN;
  if (t.clock.now() < end) t.clock.set(end);
  const done = {
    ...running,
    status: failed ? 'failed' : 'completed',
    completed_at: new Date(end).toISOString(),
    duration_seconds: minutes * 60,
    cpu_percent: cpu,
    memory_percent: 50,
    retry_count: failed ? 2 : 0,
    error_message: failed ? 'connection refused by warehouse' : null,
  };
  expect((await post('/api/monitoring/ingest', done)).statusCode).toBe(200);
}

async function savePipeline(id: string, cron: string | null, timeout = 900) {
  await new SqlPipelineCatalog(t.store.sql).savePipelines([
    {
      pipeline_id: id,
      name: id,
      version: 1,
      is_active: true,
      schedule_cron: cron,
      timeout_seconds: timeout,
      definition: {
        stages: [
          { name: 'extract', critical: true },
          { name: 'load', critical: false },
        ],
      },
      tags: [],
      updated_at: T0,
    },
  ]);
}

const predictions = async (query: string) => {
  await t.prediction.flush();
  const res = await get(`/api/ai/predictions?${query}`);
  expect(res.statusCode).toBe(200);
  return res.json() as { items: Record<string, unknown>[]; total: number };
};

// A fresh PGlite takes its initdb; on a machine shared by many test files that can pass a minute.
beforeAll(async () => {
  t = await startTestApp({ prediction: { preflightLeadMs: 5 * MIN, retrainCron: '0 * * * *' } });
}, 180_000);
afterAll(async () => {
  await t?.close();
});

describe('before any training', () => {
  it('answers with the heuristic and says so', async () => {
    const res = await post('/api/ai/prediction/predict', { ...SAMPLE, stages: STAGES });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ model_type: 'heuristic', model_version: null });
    expect(body.notes).toContain('no trained model; heuristic answered');
    expect(body.top_risk_factors[0]).toMatch(/^historical failure rate is 0.80/);
  });
});

describe('the original case', () => {
  it('trains on the two samples, then predicts with the model', async () => {
    const trained = await post('/api/ai/prediction/train', SAMPLES);
    expect(trained.statusCode).toBe(200);
    const tb = trained.json();
    expect(tb).toMatchObject({ trained_samples: 2, model_type: 'gradient_boosting', status: 'full' });
    expect(tb.features.slice(0, 7)).toEqual([
      'historical_failure_rate',
      'recent_error_count',
      'stage_count',
      'critical_stage_count',
      'avg_cpu_percent',
      'avg_memory_percent',
      'retry_frequency',
    ]);
    expect(tb.model_version).toMatch(/^prediction-/);
    version = tb.model_version;

    const res = await post('/api/ai/prediction/predict', { ...SAMPLE, stages: STAGES });
    expect(res.statusCode).toBe(200);
    const p = res.json();
    expect(p.model_type).toBe('gradient_boosting');
    expect(p.model_version).toBe(tb.model_version);
    for (const v of [p.failure_probability, p.success_probability]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(p.failure_probability + p.success_probability).toBeCloseTo(1, 10);
    expect(Object.keys(p.stage_risk_scores).sort()).toEqual(['extract', 'validate']);
    expect(p.stage_risk_scores.extract).toBeGreaterThan(p.stage_risk_scores.validate);
    expect(p.critical_stages).toEqual(['extract']);
    expect(p.duration_forecast).toEqual({
      expected_seconds: null,
      p90_seconds: null,
      timeout_breach_probability: null,
    });
    expect(Array.isArray(p.top_risk_factors)).toBe(true);
  });

  it('records each answered request', async () => {
    const page = await predictions(`kind=request&model_version=${version}`);
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({
      kind: 'request',
      model_type: 'gradient_boosting',
      shadow: false,
      outcome: null,
    });
  });
});

describe('bad input', () => {
  it('is a 400 naming the field', async () => {
    const cases: [string, unknown, string][] = [
      ['/api/ai/prediction/predict', { avg_cpu_percent: 'high' }, 'avg_cpu_percent'],
      ['/api/ai/prediction/predict', { historical_failure_rate: 2 }, 'historical_failure_rate'],
      ['/api/ai/prediction/predict', { stages: [{ retry_count: 1 }] }, 'stages.0.name'],
      ['/api/ai/prediction/train', [{ stage_count: 2 }], '0.failed'],
      ['/api/ai/prediction/train', [SAMPLES[0]], 'body'],
      ['/api/ai/prediction/train', 'yes', 'body'],
    ];
    for (const [url, body, field] of cases) {
      const res = await post(url, body);
      expect(res.statusCode, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json().error.field).toBe(field);
    }
    expect((await get('/api/ai/predictions?kind=guess')).statusCode).toBe(400);
    expect((await get('/api/ai/predictions?since=yesterday')).json().error.field).toBe('since');
  });

  it('404s a preflight of an unknown pipeline', async () => {
    const res = await post('/api/ai/prediction/preflight/no-such-pipeline');
    expect(res.statusCode).toBe(404);
  });
});

describe('runs and preflights', () => {
  it('scores every run when it starts and joins its outcome when it finishes', async () => {
    await savePipeline('p-runs', null);
    await run('p-runs', 'r1', T0 - 50 * MIN, true);
    await t.prediction.flush();
    const page = await predictions('execution_id=r1');
    expect(page.total).toBe(1);
    // Two runs of history is too little for the model: the heuristic answered.
    expect(page.items[0]).toMatchObject({
      kind: 'run_start',
      pipeline_id: 'p-runs',
      model_type: 'heuristic',
      outcome: 'failed',
      actual_duration_seconds: 300,
    });
  });

  it('turns a run-start prediction above the alert threshold into a failure_prediction insight', async () => {
    await savePipeline('p-bad', null);
    const at = Date.parse('2026-03-01T12:00:00Z');
    for (let i = 0; i < 5; i++) await run('p-bad', `b${i}`, at - (50 - 10 * i) * MIN, true, 2, 95);
    await t.prediction.flush();
    const last = (await predictions('execution_id=b4')).items[0];
    expect(last).toMatchObject({ model_type: 'heuristic' });
    expect(last.failure_probability as number).toBeGreaterThanOrEqual(0.6);
    const insights = (await get('/api/ai/insights/p-bad')).json();
    expect(insights.insights.map((i: { type: string }) => i.type)).toContain('failure_prediction');
    // The first runs had no history to speak of: below the threshold, no insight.
    expect((await predictions('execution_id=b0')).items[0].failure_probability as number).toBeLessThan(0.6);
  });

  it('preflights a scheduled run the lead time before it, once, and links it to the run', async () => {
    await savePipeline('p-cron', '*/30 * * * *', 200);
    t.clock.set(Date.parse('2026-03-01T12:10:00Z'));
    await t.prediction.tick();
    expect((await predictions('kind=preflight&pipeline_id=p-cron')).total).toBe(0);
    t.clock.set(Date.parse('2026-03-01T12:26:00Z'));
    await t.prediction.tick();
    await t.prediction.tick();
    const pre = await predictions('kind=preflight&pipeline_id=p-cron');
    expect(pre.total).toBe(1);
    expect(pre.items[0]).toMatchObject({ planned_at: '2026-03-01T12:30:00.000Z', execution_id: null });
    t.clock.set(Date.parse('2026-03-01T12:36:00Z'));
    await run('p-cron', 'c1', Date.parse('2026-03-01T12:30:00Z'), false, 4);
    const linked = await predictions('kind=preflight&pipeline_id=p-cron');
    expect(linked.items[0]).toMatchObject({ execution_id: 'c1', outcome: 'succeeded' });
  });

  it('preflights on request from the store, with stages from the definition', async () => {
    const res = await post('/api/ai/prediction/preflight/p-cron');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body.stage_risk_scores)).toEqual(['extract', 'load']);
    expect(body.critical_stages).toEqual(['extract']);
    expect(body.features).toMatchObject({ stage_count: 2, critical_stage_count: 1, runs_so_far: 1 });
    expect(body.duration_forecast).toMatchObject({ expected_seconds: 240, timeout_breach_probability: 1 });
  });
});

describe('fallbacks', () => {
  it('answers with the heuristic when the serving model cannot be loaded, and reports it', async () => {
    await t.registry.registerFull({
      kind: 'prediction',
      artifact: '{"format":"flexiroaster-model","schema_version":1,"model":"failure_model"',
      training_window: null,
      contamination: null,
      feature_names: [],
      metrics: {},
    });
    const res = await post('/api/ai/prediction/predict', SAMPLE);
    expect(res.statusCode).toBe(200);
    expect(res.json().model_type).toBe('heuristic');
    expect(res.json().notes[0]).toMatch(
      /^model unusable \(cannot load failure_model artifact: not valid JSON\)/,
    );
    expect(t.warnings.map((w) => w.what)).toContainEqual(
      expect.stringMatching(/model prediction-.* cannot be loaded; the heuristic answers instead/),
    );
  });
});

describe('scheduled retraining', () => {
  it('trains from the store on the cron and registers the result as shadow, which then scores beside', async () => {
    const start = Date.parse('2026-03-01T13:00:00Z');
    for (let i = 0; i < 40; i++) {
      const bad = i % 4 === 0;
      await run('p-many', `m${i}`, start + i * 10 * MIN, bad, bad ? 2 : 5 + (i % 3), bad ? 95 : 30);
    }
    t.clock.set(start + 40 * 10 * MIN + MIN);
    expect(t.prediction.trainingStatus()).toMatchObject({ state: 'idle', retrain_cron: '0 * * * *' });
    await t.prediction.tick();
    const status = (await get('/api/ai/prediction/training')).json();
    expect(status).toMatchObject({ state: 'succeeded', last_error: null });
    expect(status.last_result).toMatchObject({ status: 'shadow', source: 'store', trained_samples: 47 });
    expect(status.last_result.duration.model_version).toMatch(/^duration-/);
    const shadow = status.last_result.model_version;
    const models = (await get('/api/models?kind=prediction')).json();
    expect(models.items.find((m: { model_version: string }) => m.model_version === shadow).status).toBe(
      'shadow',
    );
    await post('/api/ai/prediction/preflight/p-runs');
    const scored = await predictions(`model_version=${shadow}`);
    expect(scored.items[0]).toMatchObject({
      shadow: true,
      kind: 'preflight',
      model_type: 'gradient_boosting',
    });
  });
});
