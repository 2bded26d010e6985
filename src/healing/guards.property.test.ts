import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planDecisions } from './decide.js';
import type { PipelineGuardRecord } from '../ports/index.js';
import { Guards } from './guards.js';
import { parseRunbook } from './runbook.js';
import { makeContext } from './testing.js';
import type { ActionId, DecidedAction, GuardConfig } from './types.js';

const MIN = 60_000;
const RATE = 3;
const WINDOW = 60 * MIN;
const CAP = 3;
const ACTIONS: ActionId[] = ['retry_stage', 'scale_workers', 'open_ticket', 'rollback_pipeline'];

const books = ACTIONS.map((a) =>
  parseRunbook(
    { name: a, mode: 'live', when: { field: 'pipeline.id', op: 'exists' }, actions: [a, 'notify'] },
    a,
  ),
);

function actionsFor(pipeline: number, trigger: number, book: number): readonly DecidedAction[] {
  const ctx = makeContext(
    { trigger: { kind: 'anomaly', id: `a${trigger}`, at: 0 }, failing_stage: 'transform', execution_id: 'e' },
    `p${pipeline}`,
  );
  return planDecisions([books[book]], ctx)[0].actions;
}

const step = fc.record({
  pipeline: fc.integer({ min: 0, max: 9 }),
  trigger: fc.integer({ min: 0, max: 5 }),
  book: fc.integer({ min: 0, max: ACTIONS.length - 1 }),
  kind: fc.constantFrom(
    'decide',
    'decide',
    'decide',
    'success',
    'failure',
    'healthy',
    'unhealthy',
    'approve',
    'release',
    'restart',
    'reload',
  ),
  advanceMs: fc.integer({ min: 0, max: 3 * MIN }),
});

describe('Guards under random load', () => {
  it('never exceed the rate limit or the fleet cap, and never execute a key twice, across restarts', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 50, maxLength: 300 }), fc.boolean(), (steps, killed) => {
        const config: Partial<GuardConfig> = {
          defaultMode: 'live',
          killSwitch: killed,
          cooldownMs: 2 * MIN,
          rateLimitMax: RATE,
          rateLimitWindowMs: WINDOW,
          fleetCap: CAP,
          breakerFailures: 2,
          breakerCoolMs: 20 * MIN,
          flapFlips: 3,
        };
        let g = new Guards(config);
        // What the store keeps: the records of every change, as the service writes them after each job.
        const store = new Map<string, PipelineGuardRecord>();
        let now = 0;
        const executed = new Map<string, number[]>();
        const keys = new Set<string>();
        const pending: { a: DecidedAction; expires: number }[] = [];
        const execute = (a: DecidedAction) => {
          expect(keys.has(a.idempotency_key)).toBe(false);
          keys.add(a.idempotency_key);
          const times = executed.get(a.pipeline_id) ?? [];
          times.push(now);
          executed.set(a.pipeline_id, times);
          expect(times.filter((t) => t > now - WINDOW).length).toBeLessThanOrEqual(RATE);
        };
        for (const s of steps) {
          now += s.advanceMs;
          const id = `p${s.pipeline}`;
          if (s.kind === 'decide') {
            for (const a of actionsFor(s.pipeline, s.trigger, s.book)) {
              const v = g.evaluate(a, now);
              if (v.verdict === 'execute') execute(a);
              if (v.verdict === 'needs_approval')
                pending.push({ a, expires: v.approval_expires_at as number });
            }
          } else if (s.kind === 'approve' && pending.length > 0) {
            const { a, expires } = pending.shift() as { a: DecidedAction; expires: number };
            if (
              g.evaluate(a, now, { approval: { approved_at: now, expires_at: expires } }).verdict ===
              'execute'
            )
              execute(a);
          } else if (s.kind === 'success' || s.kind === 'failure') g.recordOutcome(id, s.kind, now);
          else if (s.kind === 'release') g.release(id);
          else if (s.kind === 'restart') {
            g = new Guards(config);
            g.restore(structuredClone([...store.values()]), now);
          } else if (s.kind === 'reload') {
            // What a job does after taking the pipeline's lease: its row read back from the store.
            const r = store.get(id);
            g.restorePipeline(id, r === undefined ? null : structuredClone(r), now);
          } else g.observeHealth(id, s.kind === 'healthy', now);
          const { saved, cleared } = g.changes(now);
          for (const r of saved) store.set(r.pipeline_id, structuredClone(r));
          for (const c of cleared) store.delete(c);
          expect(g.underRemediation(now).length).toBeLessThanOrEqual(CAP);
          if (killed) expect(keys.size).toBe(0);
        }
      }),
      { numRuns: 150 },
    );
  });
});
