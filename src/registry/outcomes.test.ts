import { describe, expect, it } from 'vitest';
import type { ModelKind, ModelOutcomes } from '../ports/index.js';
import { outcomesByKind } from './outcomes.js';

describe('outcomesByKind', () => {
  it('asks the source of the kind and answers none for a kind without one', async () => {
    const asked: ModelKind[] = [];
    const source: ModelOutcomes = {
      scoredOutcomes: async (kind, versions, since) => {
        asked.push(kind);
        return versions.map((v) => ({ model_version: v, score: 0.5, label: 1 as const, at: since }));
      },
    };
    const all = outcomesByKind({ prediction: source, duration: source });
    expect(await all.scoredOutcomes('prediction', ['v1'], 7)).toEqual([
      { model_version: 'v1', score: 0.5, label: 1, at: 7 },
    ]);
    expect(await all.scoredOutcomes('anomaly', ['v1'], 7)).toEqual([]);
    expect(asked).toEqual(['prediction']);
  });
});
