import { describe, expect, it } from 'vitest';
import { SeededRng } from '../shared/index.js';
import { buildBaselines, emptyBaselines } from './baseline.js';
import { detect, isAnomalous } from './detector.js';
import {
  emptyRecord,
  errorSignatures,
  FEATURE_NAMES,
  recordFeatures,
  type AnomalyRecord,
} from './features.js';
import { decodeAnomalyModel, encodeAnomalyModel, trainAnomalyModel } from './model.js';

const normal = (i: number): AnomalyRecord =>
  emptyRecord({
    duration_seconds: 25 + i,
    data_volume_mb: 200 + i,
    failure_count_1h: 0,
    cpu_percent: 45 + i,
    memory_percent: 40 + i,
    retry_count: 0,
  });
const bad = emptyRecord({
  duration_seconds: 200,
  data_volume_mb: 1200,
  failure_count_1h: 6,
  cpu_percent: 97,
  memory_percent: 96,
  retry_count: 4,
  stage_errors: ['timeout', 'oom', 'timeout'],
});
const rows = Array.from({ length: 10 }, (_, i) => recordFeatures(normal(i)));
const ctx = (extra = {}) => ({
  model: null,
  baselines: emptyBaselines(),
  pipelineId: null,
  signatures: [],
  ...extra,
});

describe('hybrid detector', () => {
  const model = { model: trainAnomalyModel(rows, new SeededRng(7)), version: 'anomaly-test' };

  it('flags the original anomalous record and passes a normal one', () => {
    const hit = detect(recordFeatures(bad), ctx({ model, signatures: errorSignatures(bad.stage_errors) }));
    expect(hit.is_anomaly).toBe(true);
    expect(hit.score).toBeGreaterThanOrEqual(0.5);
    expect(hit.algorithm).toBe('isolation_forest+zscore');
    expect(hit.model_version).toBe('anomaly-test');
    expect(hit.rules_fired).toEqual(['failure_spike', 'retry_burst', 'log_pattern']);
    expect(hit.reasons.join('\n')).toContain(
      'execution_time_s is 200 s, far above the training baseline of 29.50 s',
    );
    expect(hit.reasons.join('\n')).toContain('signatures: timeout, other:oom');
    const sum = Object.values(hit.contributions).reduce((s, v) => s + v, 0);
    expect(sum).toBeCloseTo(1, 3);
    const ok = detect(recordFeatures(normal(5)), ctx({ model }));
    expect(ok.is_anomaly).toBe(false);
    expect(ok.reasons).toEqual([]);
  });

  it('round-trips the model through its artifact with identical answers', () => {
    const back = { model: decodeAnomalyModel(encodeAnomalyModel(model.model)), version: 'v' };
    for (const r of [bad, normal(3)]) {
      expect(detect(recordFeatures(r), ctx({ model: back })).score).toBe(
        detect(recordFeatures(r), ctx({ model })).score,
      );
    }
  });

  it('works untrained: rules on absolute limits, then statistics once a baseline exists', () => {
    const bare = detect(recordFeatures(bad), ctx());
    expect(bare.algorithm).toBe('zscore_rules');
    expect(bare.is_anomaly).toBe(true);
    expect(bare.baseline).toBeNull();
    expect(bare.notes).toEqual([
      'no model trained yet: statistics and rules only',
      'no baseline yet for this pipeline or the fleet: rules on absolute limits only',
    ]);
    expect(detect(recordFeatures(normal(2)), ctx()).is_anomaly).toBe(false);
    const baselines = buildBaselines(
      rows.map((features) => ({ pipeline_id: 'p', features })),
      0,
    );
    const seen = detect(recordFeatures(bad), ctx({ baselines, pipelineId: 'p' }));
    expect(seen.baseline).toBe('pipeline');
    expect(seen.reasons[0]).toContain("this pipeline's baseline");
    const unseen = detect(recordFeatures(normal(4)), ctx({ baselines, pipelineId: 'never-seen' }));
    expect(unseen.baseline).toBe('fleet');
    expect(unseen.is_anomaly).toBe(false);
  });

  it('keeps the training alert rate at the contamination on the training rows', () => {
    const rng = new SeededRng(3);
    const train = Array.from({ length: 400 }, () =>
      recordFeatures(
        emptyRecord({
          duration_seconds: 60 + 5 * rng.normal(),
          data_volume_mb: 500 + 20 * rng.normal(),
          failure_count_1h: 0,
          cpu_percent: 50 + 5 * rng.normal(),
          memory_percent: 40 + 5 * rng.normal(),
          retry_count: 0,
        }),
      ),
    );
    const m = { model: trainAnomalyModel(train, new SeededRng(1), { contamination: 0.05 }), version: 'v' };
    const alerts = train.filter((r) => detect(r, ctx({ model: m })).is_anomaly).length;
    expect(alerts / train.length).toBeGreaterThan(0.03);
    expect(alerts / train.length).toBeLessThan(0.08);
  });

  it('lets z-alerts spend the contamination budget first: the forest then adds nothing on training rows', () => {
    const rng = new SeededRng(5);
    const train = Array.from({ length: 300 }, (_, i) =>
      recordFeatures(
        emptyRecord({
          // Every tenth run is four times slower: 10% z-alerts, above the 5% budget.
          duration_seconds: (i % 10 === 0 ? 240 : 60) + rng.normal(),
          data_volume_mb: 500 + 20 * rng.normal(),
          failure_count_1h: 0,
          cpu_percent: 50 + 5 * rng.normal(),
          memory_percent: 40 + 5 * rng.normal(),
          retry_count: 0,
        }),
      ),
    );
    const m = { model: trainAnomalyModel(train, new SeededRng(1)), version: 'v' };
    const flagged = train.map((r) => detect(r, ctx({ model: m })));
    expect(flagged.filter((_, i) => i % 10 === 0).every((d) => d.is_anomaly)).toBe(true);
    // Any other alert is a feature beyond |z| = 3 by chance, never the forest alone.
    const others = flagged.filter((d, i) => i % 10 !== 0 && d.is_anomaly);
    expect(others.length).toBeLessThanOrEqual(2);
    for (const d of others) expect(d.reasons.some((r) => r.includes('; z = '))).toBe(true);
    const forestOnly = flagged.filter(
      (d) => d.is_anomaly && d.reasons.every((r) => r.startsWith('isolation forest')),
    );
    expect(forestOnly).toEqual([]);
  });

  it('isAnomalous answers what detect decides, with and without a model, baseline or rule', () => {
    const rng = new SeededRng(11);
    const record = (i: number) =>
      emptyRecord({
        pipeline_id: `p${i % 3}`,
        time: 1_767_225_600_000 + i * 1_234_567,
        duration_seconds: 60 * Math.exp(0.6 * rng.normal()),
        data_volume_mb: i % 7 === 0 ? NaN : 500 + 150 * rng.normal(),
        failure_count_1h: i % 5 === 0 ? Math.floor(6 * rng.next()) : NaN,
        cpu_percent: 50 + 20 * rng.normal(),
        memory_percent: 40 + 20 * rng.normal(),
        retry_count: Math.floor(5 * rng.next()),
        stage_errors: i % 9 === 0 ? ['timeout', 'oom', 'disk full'] : [],
      });
    const train = Array.from({ length: 200 }, (_, i) => recordFeatures(record(i)));
    const baselines = buildBaselines(
      train.map((features, i) => ({ pipeline_id: `p${i % 3}`, features })),
      0,
    );
    const m = { model: trainAnomalyModel(train, new SeededRng(2)), version: 'v' };
    const contexts = [
      ctx(),
      ctx({ baselines }),
      ctx({ model: m }),
      ctx({ model: m, baselines, threshold: 0.7 }),
    ];
    let flagged = 0;
    for (let i = 0; i < 300; i++) {
      const r = record(i);
      const signatures = errorSignatures(r.stage_errors);
      const row = recordFeatures(r, undefined, signatures);
      for (const c of contexts) {
        const full = { ...c, pipelineId: r.pipeline_id, signatures };
        const verdict = detect(row, full).is_anomaly;
        expect(isAnomalous(row, full)).toBe(verdict);
        if (verdict) flagged++;
      }
    }
    // Both answers occur, so agreement is not agreement on a constant.
    expect(flagged).toBeGreaterThan(50);
    expect(flagged).toBeLessThan(1000);
  });
});

describe('model artifacts', () => {
  it('loads a model saved before features were appended, and refuses a corrupt one', () => {
    const m = trainAnomalyModel(rows, new SeededRng(2));
    const artifact = JSON.parse(encodeAnomalyModel(m)) as { body: { baseline: { features: unknown[] } } };
    artifact.body.baseline.features = artifact.body.baseline.features.slice(0, 10);
    const old = decodeAnomalyModel(JSON.stringify(artifact));
    expect(old.baseline.features).toHaveLength(FEATURE_NAMES.length);
    expect(old.baseline.features.at(-1)).toBeNull();
    expect(() => decodeAnomalyModel('{"format":"flexiroaster-model"}')).toThrow(/cannot load/);
  });
});
