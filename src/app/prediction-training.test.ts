import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../domain/index.js';
import { execution, stage } from '../monitoring/testing.js';
import type { EventStore, PipelineInfo, PipelineVersion } from '../ports/index.js';
import { PREDICTION_FEATURES } from '../prediction/index.js';
import { PipelineContexts, type PredictionCatalog } from './prediction-context.js';
import { storeTrainingSet } from './prediction-training.js';

const T0 = Date.UTC(2026, 2, 1);
const HOUR = 3_600_000;

function run(pipeline: string, i: number, stages: string[] = []): TelemetryEvent[] {
  const id = `${pipeline}-r${i}`;
  const start = T0 + i * HOUR;
  const end = start + 5 * 60_000;
  const stageEvents = stages.map((name) =>
    stage({
      key: `s:${id}:${name}`,
      pipeline_id: pipeline,
      event_time: end,
      received_at: end,
      execution_id: id,
      stage_id: name,
      stage_name: name,
      started_at: start,
      completed_at: end,
      duration_seconds: 60,
      is_critical: true,
    }),
  );
  const done = execution({
    key: `x:${id}`,
    pipeline_id: pipeline,
    event_time: end,
    received_at: end,
    execution_id: id,
    status: i % 4 === 0 ? 'failed' : 'completed',
    started_at: start,
    completed_at: end,
    duration_seconds: 300,
  });
  return [...stageEvents, done];
}

const version = (n: number, at: number, stages: { name: string; critical: boolean }[]): PipelineVersion => ({
  pipeline_id: 'p1',
  version: n,
  definition: { stages },
  schedule_cron: null,
  timeout_seconds: null,
  first_seen_at: at,
});

describe('training rows from the store', () => {
  it("see each run's stage list as known when it started, not the pipeline's current one", async () => {
    // p1: two stages until hour 10, when a definition with four (one not critical) replaced it; the
    // stage rows the source reports now list the four. p2: no definition, stages seen in its runs.
    const events = [
      ...Array.from({ length: 20 }, (_, i) => run('p1', i + 1)).flat(),
      ...run('p2', 101, ['x']),
      ...run('p2', 102, ['x', 'y']),
      ...run('p2', 103, ['x', 'y']),
    ];
    const store = {
      async *scanSince() {
        yield events;
      },
    } as unknown as EventStore;
    const four = [
      { name: 'a', critical: true },
      { name: 'b', critical: true },
      { name: 'c', critical: true },
      { name: 'd', critical: false },
    ];
    const catalog: PredictionCatalog = {
      getPipeline: async (id) =>
        ({ pipeline_id: id, timeout_seconds: null, definition: {} }) as unknown as PipelineInfo,
      listPipelines: async () => [],
      listStages: async (id) =>
        id === 'p1'
          ? four.map(
              (s, i) => ({ pipeline_id: id, name: s.name, position: i, is_critical: s.critical }) as never,
            )
          : [],
      listVersions: async (id) =>
        id === 'p1' ? [version(2, T0 + 10 * HOUR, four), version(1, T0, four.slice(0, 2))] : [],
    };
    const set = await storeTrainingSet(
      store,
      new PipelineContexts(catalog, { now: () => T0 + 200 * HOUR }),
      0,
    );

    const col = (name: string) => PREDICTION_FEATURES.indexOf(name);
    const stageCounts = (from: number, to: number) =>
      set.rows
        .filter((r) => r.time >= from && r.time < to)
        .map((r) => [r.features[col('stage_count')], r.features[col('critical_stage_count')]]);
    expect(stageCounts(T0 + HOUR, T0 + 10 * HOUR)).toEqual(Array(9).fill([2, 2]));
    expect(stageCounts(T0 + 10 * HOUR, T0 + 21 * HOUR)).toEqual(Array(11).fill([4, 3]));
    // p2: its first run knew no stage, the second knew x, the third x and y.
    expect(stageCounts(T0 + 100 * HOUR, T0 + 200 * HOUR)).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
  });
});
