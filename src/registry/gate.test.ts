import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryModelStore } from '../../test/helpers/memory-model-store.js';
import type { ModelKind, ModelOutcomes, ScoredOutcome } from '../ports/index.js';
import { FakeClock } from '../shared/index.js';
import { ModelRegistry, type ModelDraft } from './index.js';

/** Outcomes held in memory, as the predictions table would answer. */
class MemoryOutcomes implements ModelOutcomes {
  readonly rows: ScoredOutcome[] = [];
  readonly asked: { kind: ModelKind; versions: string[]; since: number }[] = [];
  async scoredOutcomes(kind: ModelKind, versions: string[], since: number): Promise<ScoredOutcome[]> {
    this.asked.push({ kind, versions, since });
    return this.rows.filter((o) => versions.includes(o.model_version) && o.at >= since);
  }
  /** `n` requests scored by the version at `at`: alternating labels; `separation` in [0, 0.5) sets its quality. */
  score(version: string, n: number, at: number, quality: { separation: number; misses?: number }) {
    for (let i = 0; i < n; i++) {
      const label = (i % 2) as 0 | 1;
      const missed = i < (quality.misses ?? 0);
      const toward = (label === 1) !== missed ? 1 : -1;
      this.rows.push({ model_version: version, score: 0.5 + toward * quality.separation, label, at });
    }
  }
}

const draft = (tag: string): ModelDraft => ({
  kind: 'prediction',
  artifact: JSON.stringify({ tag }),
  training_window: null,
  contamination: null,
  feature_names: [],
  metrics: {},
});

describe('compare and the automatic gate', () => {
  let store: MemoryModelStore;
  let clock: FakeClock;
  let outcomes: MemoryOutcomes;
  let registry: ModelRegistry;
  beforeEach(() => {
    store = new MemoryModelStore();
    clock = new FakeClock(Date.parse('2026-03-01T12:00:00Z'));
    outcomes = new MemoryOutcomes();
    registry = new ModelRegistry(store, clock, { outcomes, compareWindowMs: 86_400_000 });
  });

  async function champAndChallenger() {
    const champion = await registry.registerFull(draft('a'));
    clock.advance(60_000);
    const challenger = await registry.registerShadow(draft('b'));
    clock.advance(60_000);
    return { champion: champion.model_version, challenger: challenger.model_version };
  }

  it('compares both versions on the same window, from when both existed', async () => {
    const { champion, challenger } = await champAndChallenger();
    const challengerBorn = clock.now() - 60_000;
    // Scored before the challenger existed: not comparable, left out.
    outcomes.score(champion, 50, challengerBorn - 1, { separation: 0.4 });
    outcomes.score(champion, 40, clock.now(), { separation: 0.3, misses: 4 });
    outcomes.score(challenger, 40, clock.now(), { separation: 0.3 });
    const c = await registry.compare('prediction');
    expect(c.since).toBe(challengerBorn);
    expect(outcomes.asked.at(-1)).toEqual({
      kind: 'prediction',
      versions: [champion, challenger],
      since: challengerBorn,
    });
    expect(c.champion?.model_version).toBe(champion);
    expect(c.challenger?.model_version).toBe(challenger);
    expect(c.outcomes).toBe(40);
    expect(c.challenger?.metrics).toEqual({ roc_auc: 1, brier: expect.closeTo(0.04, 10), outcomes: 40 });
    expect(c.champion?.metrics.roc_auc).toBeLessThan(1);

    const later = await registry.compare('prediction', { since: clock.now() + 1 });
    expect(later.outcomes).toBe(0);
    expect(later.challenger?.metrics).toEqual({ roc_auc: null, brier: null, outcomes: 0 });
  });

  it('prefers the canary as challenger, else the newest shadow; null sides when missing', async () => {
    expect(await registry.compare('prediction')).toMatchObject({
      champion: null,
      challenger: null,
      outcomes: 0,
    });
    const { champion } = await champAndChallenger();
    const canary = await registry.registerShadow(draft('c'));
    await registry.registerShadow(draft('d'));
    await registry.promote(canary.model_version, { to: 'canary', share: 0.1 });
    const c = await registry.compare('prediction');
    expect([c.champion?.model_version, c.challenger?.model_version]).toEqual([
      champion,
      canary.model_version,
    ]);
  });

  it('promotes a challenger not worse on AUC and Brier over enough outcomes', async () => {
    const { champion, challenger } = await champAndChallenger();
    outcomes.score(champion, 100, clock.now(), { separation: 0.2, misses: 10 });
    outcomes.score(challenger, 100, clock.now(), { separation: 0.3, misses: 4 });
    const decision = await registry.autoPromote('prediction', { minOutcomes: 100 });
    expect(decision).toMatchObject({ kind: 'prediction', promoted: challenger });
    expect(await registry.active('prediction')).toMatchObject({
      model_version: challenger,
      previous_full: champion,
    });
    expect((await registry.get(champion)).status).toBe('retired');
  });

  it('refuses with too few outcomes, a worse AUC, or a worse Brier score', async () => {
    const { champion, challenger } = await champAndChallenger();
    outcomes.score(champion, 100, clock.now(), { separation: 0.2, misses: 10 });
    outcomes.score(challenger, 99, clock.now(), { separation: 0.3 });
    let d = await registry.autoPromote('prediction', { minOutcomes: 100 });
    expect(d).toMatchObject({ promoted: null, reason: '99 outcomes in the window, 100 needed' });

    // Sharper but ranks worse: better Brier is not enough.
    outcomes.rows.length = 0;
    outcomes.score(champion, 100, clock.now(), { separation: 0.1, misses: 2 });
    outcomes.score(challenger, 100, clock.now(), { separation: 0.45, misses: 4 });
    d = await registry.autoPromote('prediction', { minOutcomes: 100 });
    expect(d.promoted).toBeNull();
    expect(d.reason).toMatch(/^challenger AUC .* < champion/);

    // Ranks as well but is less calibrated: a worse Brier score refuses too.
    outcomes.rows.length = 0;
    outcomes.score(champion, 100, clock.now(), { separation: 0.2 });
    outcomes.score(challenger, 100, clock.now(), { separation: 0.1 });
    d = await registry.autoPromote('prediction', { minOutcomes: 100 });
    expect(d.promoted).toBeNull();
    expect(d.reason).toMatch(/^challenger Brier .* > champion/);

    // Only one kind of outcome: AUC undefined.
    outcomes.rows.length = 0;
    for (const v of [champion, challenger]) {
      for (let i = 0; i < 100; i++)
        outcomes.rows.push({ model_version: v, score: 0.1, label: 0, at: clock.now() });
    }
    d = await registry.autoPromote('prediction', { minOutcomes: 100 });
    expect(d).toMatchObject({ promoted: null, reason: expect.stringContaining('AUC undefined') });
    expect(await registry.active('prediction')).toMatchObject({ model_version: champion });
  });

  it('checks only the kinds that have a challenger, and needs a champion', async () => {
    expect(await registry.checkGates({ minOutcomes: 1 })).toEqual([]);
    await registry.registerShadow(draft('x'));
    const [d] = await registry.checkGates({ minOutcomes: 1 });
    expect(d).toMatchObject({
      kind: 'prediction',
      promoted: null,
      reason: 'no full prediction version to compare with',
    });
  });
});
