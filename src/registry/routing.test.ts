import { describe, expect, it } from 'vitest';
import type { ModelStatus, ModelVersion } from '../ports/index.js';
import { canaryBucket, RouteTable } from './routing.js';

function version(name: string, status: ModelStatus, share: number | null = null): ModelVersion {
  return {
    kind: 'prediction',
    model_version: name,
    status,
    artifact: '{}',
    training_window: null,
    contamination: null,
    feature_names: [],
    metrics: {},
    created_at: 0,
    rollout_share: share,
    previous_full: null,
  };
}

const pipelines = Array.from({ length: 10_000 }, (_, i) => `pipeline-${i}`);
const canaryShareOf = (table: RouteTable) =>
  pipelines.filter((p) => table.route(p).serving?.status === 'canary').length / pipelines.length;

describe('RouteTable', () => {
  it('sends a canary its share of pipelines within tolerance, the full version the rest', () => {
    for (const share of [0, 0.05, 0.2, 0.5, 1]) {
      const table = new RouteTable([version('c', 'canary', share), version('f', 'full')]);
      // Binomial sd at 10k ids is at most 0.005: 0.02 is four of them.
      expect(Math.abs(canaryShareOf(table) - share)).toBeLessThan(0.02);
    }
  });

  it('answers the same for a pipeline on every call and in every table built from the same versions', () => {
    const live = [version('c', 'canary', 0.3), version('f', 'full')];
    const a = new RouteTable(live);
    const b = new RouteTable(live.map((v) => ({ ...v })));
    for (const p of pipelines.slice(0, 2000)) {
      expect(b.route(p).serving?.model_version).toBe(a.route(p).serving?.model_version);
      expect(a.route(p)).toBe(a.route(p));
    }
    expect(canaryBucket('c', 'pipeline-1')).toBe(canaryBucket('c', 'pipeline-1'));
  });

  it('keeps the pipelines a canary served when its share grows', () => {
    const at = (share: number) => new RouteTable([version('c', 'canary', share), version('f', 'full')]);
    const small = at(0.1);
    const large = at(0.4);
    const served = pipelines.filter((p) => small.route(p).serving?.status === 'canary');
    expect(served.length).toBeGreaterThan(0);
    for (const p of served) expect(large.route(p).serving?.status).toBe('canary');
  });

  it('never lets a shadow serve; every live version that does not serve scores as a shadow', () => {
    const table = new RouteTable([
      version('s2', 'shadow'),
      version('c', 'canary', 0.5),
      version('s1', 'shadow'),
      version('f', 'full'),
    ]);
    const names = (vs: ModelVersion[]) => vs.map((v) => v.model_version);
    for (const p of pipelines.slice(0, 500)) {
      const r = table.route(p);
      expect(r.serving?.status).not.toBe('shadow');
      if (r.serving?.model_version === 'c') expect(names(r.shadows)).toEqual(['s2', 's1', 'f']);
      else expect(names(r.shadows)).toEqual(['s2', 's1', 'c']);
    }
  });

  it('serves nobody outside the canary when there is no full version; only shadows → no server', () => {
    const canaryOnly = new RouteTable([version('c', 'canary', 0.5)]);
    const outside = pipelines.find((p) => canaryOnly.route(p).serving === null);
    expect(outside).toBeDefined();
    expect(canaryOnly.route(outside as string).shadows.map((v) => v.model_version)).toEqual(['c']);
    const shadowOnly = new RouteTable([version('s', 'shadow')]);
    expect(shadowOnly.route('p').serving).toBeNull();
    expect(new RouteTable([]).route('p')).toEqual({ serving: null, shadows: [] });
  });
});
