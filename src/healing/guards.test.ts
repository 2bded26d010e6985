import { describe, expect, it } from 'vitest';
import { AppError, FakeClock } from '../shared/index.js';
import { planDecisions } from './decide.js';
import { Guards } from './guards.js';
import { parseRunbook } from './runbook.js';
import { makeContext } from './testing.js';
import type { ActionId, DecidedAction, GuardConfig, GuardVerdict } from './types.js';

const MIN = 60_000;

/** One decided action for `pipeline` on trigger `trigger`, straight from a runbook. */
function decided(
  pipeline: string,
  trigger: string,
  action: ActionId = 'retry_stage',
  extra: Record<string, unknown> = {},
): DecidedAction {
  const rb = parseRunbook(
    { name: 'rb', mode: 'live', when: { field: 'pipeline.id', op: 'exists' }, actions: [action], ...extra },
    'rb',
  );
  const ctx = makeContext(
    { trigger: { kind: 'tick', id: trigger, at: 0 }, failing_stage: 'transform', execution_id: 'e1' },
    pipeline,
  );
  return planDecisions([rb], ctx)[0].actions[0];
}

const live: Partial<GuardConfig> = { defaultMode: 'live' };
const failedGuards = (v: GuardVerdict) => v.guards.filter((g) => !g.passed).map((g) => g.name);

describe('Guards', () => {
  it('executes a low-risk live action and reports every guard', () => {
    const g = new Guards(live);
    const v = g.evaluate(decided('p1', 't1'), 0);
    expect(v.verdict).toBe('execute');
    expect(v.guards.map((x) => x.name)).toEqual([
      'idempotency',
      'kill_switch',
      'circuit_breaker',
      'flap_damping',
      'cooldown',
      'rate_limit',
      'fleet_cap',
      'dry_run',
      'approval',
    ]);
    expect(v.guards.every((x) => x.passed && x.detail.length > 0)).toBe(true);
  });

  it('the same decision twice → one execute, then duplicate', () => {
    const g = new Guards(live);
    const a = decided('p1', 't1');
    expect(g.evaluate(a, 0).verdict).toBe('execute');
    const again = g.evaluate({ ...a }, 1000);
    expect(again.verdict).toBe('duplicate');
    expect(failedGuards(again)[0]).toBe('idempotency');
    // A key another process decided (its state restored) is a duplicate too.
    const other = new Guards(live);
    other.evaluate(decided('p2', 't1'), 0);
    g.restore(other.changes(0).saved, 10);
    expect(g.evaluate(decided('p2', 't1'), 10).verdict).toBe('duplicate');
  });

  it('dry run (global, per runbook, by default) and the kill switch never execute', () => {
    const cases: [Partial<GuardConfig>, DecidedAction, string][] = [
      [{ ...live, dryRun: true }, decided('p1', 't1'), 'dry_run'],
      [live, decided('p1', 't1', 'retry_stage', { mode: 'dry_run' }), 'dry_run'],
      [{}, decided('p1', 't1', 'retry_stage', { mode: null }), 'dry_run'],
      [{ ...live, killSwitch: true }, decided('p1', 't1'), 'denied'],
    ];
    for (const [config, action, verdict] of cases) {
      const g = new Guards(config);
      for (let i = 0; i < 20; i++) {
        const v = g.evaluate({ ...action, idempotency_key: `k${i}`, decision_key: `d${i}` }, i * 10 * MIN);
        expect(v.verdict).not.toBe('execute');
        if (i === 0) expect(v.verdict).toBe(verdict);
      }
    }
    const g = new Guards(live);
    g.setKillSwitch(true);
    expect(g.evaluate(decided('p1', 't1'), 0)).toMatchObject({ verdict: 'denied', escalation: null });
    g.setKillSwitch(false);
    expect(g.evaluate(decided('p1', 't1'), 1).verdict).toBe('execute');
  });

  it('risky actions wait for a human; an approval within the expiry executes once, a late one is denied', () => {
    const g = new Guards({ ...live, approvalTtlMs: 10 * MIN });
    const rollback = decided('p1', 't1', 'rollback_pipeline');
    const v = g.evaluate(rollback, 0);
    expect(v).toMatchObject({ verdict: 'needs_approval', approval_expires_at: 10 * MIN });
    expect(g.evaluate(rollback, MIN).verdict).toBe('duplicate');
    expect(
      g.evaluate(rollback, 2 * MIN, { approval: { approved_at: 2 * MIN, expires_at: 10 * MIN } }).verdict,
    ).toBe('execute');
    expect(
      g.evaluate(rollback, 3 * MIN, { approval: { approved_at: 2 * MIN, expires_at: 10 * MIN } }).verdict,
    ).toBe('duplicate');

    const terminate = decided('p2', 't1', 'terminate_execution');
    expect(g.evaluate(terminate, 0).verdict).toBe('needs_approval');
    const late = g.evaluate(terminate, 11 * MIN, {
      approval: { approved_at: 11 * MIN, expires_at: 10 * MIN },
    });
    expect(late.verdict).toBe('denied');
    expect(failedGuards(late)).toEqual(['approval']);
    expect(g.evaluate(terminate, 12 * MIN).verdict).toBe('duplicate');
  });

  it('an unanswered approval request expires and is never asked again for the same decision', () => {
    const g = new Guards({ ...live, approvalTtlMs: 10 * MIN, approvalActions: ['scale_workers'] });
    const scale = decided('p1', 't1', 'scale_workers');
    expect(g.evaluate(scale, 0).verdict).toBe('needs_approval');
    const later = g.evaluate(scale, 11 * MIN);
    expect(later.verdict).toBe('duplicate');
    expect(later.guards[0].detail).toBe('its approval request expired');
  });

  it('cooldown holds other decisions for the pipeline, not the rest of the same decision', () => {
    const g = new Guards({ ...live, cooldownMs: 5 * MIN });
    const rb = parseRunbook(
      {
        name: 'two',
        mode: 'live',
        when: { field: 'pipeline.id', op: 'exists' },
        actions: ['retry_stage', 'open_ticket'],
      },
      'two',
    );
    const [d] = planDecisions([rb], makeContext({ failing_stage: 'transform' }));
    expect(d.actions.map((a) => g.evaluate(a, 0).verdict)).toEqual(['execute', 'execute']);
    const other = decided('p1', 't2');
    expect(failedGuards(g.evaluate(other, MIN))).toEqual(['cooldown']);
    expect(g.evaluate(other, 5 * MIN).verdict).toBe('execute');
  });

  it('a flapping pipeline: actions never exceed the rate limit; the breaker opens after N failed fixes', () => {
    const g = new Guards({
      ...live,
      cooldownMs: 0,
      rateLimitMax: 3,
      rateLimitWindowMs: 60 * MIN,
      breakerFailures: 5,
      breakerCoolMs: 24 * 60 * MIN,
      flapFlips: 1000,
    });
    const clock = new FakeClock(0);
    const executedAt: number[] = [];
    let failedFixes = 0;
    let openedAfter: number | null = null;
    const deniedBy = new Set<string>();
    // Fails, recovers, fails…: a new decision each time it fails (every 10 min), for 6 hours; every fix fails.
    for (let i = 0; i < 72; i++) {
      const failing = i % 2 === 0;
      g.observeHealth('p1', !failing, clock.now());
      if (failing) {
        const v = g.evaluate(decided('p1', `t${i}`), clock.now());
        if (v.verdict === 'execute') {
          executedAt.push(clock.now());
          failedFixes++;
          const effect = g.recordOutcome('p1', 'failure', clock.now());
          if (effect.escalation === 'escalate_to_human' && openedAfter === null) openedAfter = failedFixes;
        } else {
          expect(v.verdict).toBe('denied');
          failedGuards(v).forEach((n) => deniedBy.add(n));
        }
      }
      clock.advance(5 * MIN);
    }
    for (const t of executedAt) {
      const inWindow = executedAt.filter((u) => u > t - 60 * MIN && u <= t).length;
      expect(inWindow).toBeLessThanOrEqual(3);
    }
    expect(deniedBy).toEqual(new Set(['rate_limit', 'circuit_breaker']));
    expect(openedAfter).toBe(5);
    expect(executedAt).toHaveLength(5);
    expect(g.breakerState('p1', clock.now())).toBe('open');
  });

  it('the breaker is half-open after the cool time: one trial; success closes it', () => {
    const g = new Guards({ ...live, cooldownMs: 0, breakerFailures: 2, breakerCoolMs: 30 * MIN });
    for (let i = 0; i < 2; i++) {
      expect(g.evaluate(decided('p1', `t${i}`), i).verdict).toBe('execute');
      g.recordOutcome('p1', 'failure', i);
    }
    const denied = g.evaluate(decided('p1', 'x'), 10 * MIN);
    expect(denied).toMatchObject({ verdict: 'denied', escalation: 'escalate_to_human' });
    expect(failedGuards(denied)).toEqual(['circuit_breaker']);
    expect(g.breakerState('p1', 31 * MIN)).toBe('half_open');
    expect(g.evaluate(decided('p1', 'trial'), 31 * MIN).verdict).toBe('execute');
    expect(failedGuards(g.evaluate(decided('p1', 'second'), 32 * MIN))).toEqual(['circuit_breaker']);
    expect(g.recordOutcome('p1', 'success', 33 * MIN)).toEqual({ breaker: 'closed', escalation: null });
    expect(g.evaluate(decided('p1', 'after'), 34 * MIN).verdict).toBe('execute');
  });

  it('a failed half-open trial opens the breaker again', () => {
    const g = new Guards({ ...live, cooldownMs: 0, breakerFailures: 1, breakerCoolMs: 10 * MIN });
    g.evaluate(decided('p1', 'a'), 0);
    expect(g.recordOutcome('p1', 'failure', 0)).toEqual({ breaker: 'open', escalation: 'escalate_to_human' });
    g.evaluate(decided('p1', 'b'), 10 * MIN);
    expect(g.recordOutcome('p1', 'failure', 11 * MIN)).toEqual({
      breaker: 'open',
      escalation: 'escalate_to_human',
    });
    expect(g.breakerState('p1', 12 * MIN)).toBe('open');
  });

  it('a fleet-wide outage (half of 20 pipelines failing at once): the cap holds and an incident is signalled', () => {
    const g = new Guards({ ...live, fleetCap: 4, cooldownMs: 0 });
    const verdicts = Array.from({ length: 20 }, (_, i) => i)
      .filter((i) => i % 2 === 0)
      .map((i) => g.evaluate(decided(`p${i}`, 'outage'), 0));
    expect(verdicts.filter((v) => v.verdict === 'execute')).toHaveLength(4);
    const capped = verdicts.filter((v) => v.verdict === 'denied');
    expect(capped).toHaveLength(6);
    for (const v of capped) {
      expect(v.escalation).toBe('escalate_incident');
      expect(failedGuards(v)).toEqual(['fleet_cap']);
    }
    expect(g.underRemediation(0)).toHaveLength(4);
    // Tickets and notifications are not remediation: they pass the cap.
    expect(g.evaluate(decided('p2', 'outage-ticket', 'open_ticket'), 0).verdict).toBe('execute');
    // An outcome frees a slot.
    g.recordOutcome('p0', 'success', MIN);
    expect(g.evaluate(decided('p18', 'outage2'), 2 * MIN).verdict).toBe('execute');
    expect(g.underRemediation(2 * MIN)).toHaveLength(4);
  });

  it('flap damping holds a pipeline whose health flips too often', () => {
    const g = new Guards({ ...live, flapFlips: 3, flapWindowMs: 30 * MIN });
    [true, false, true, false].forEach((h, i) => g.observeHealth('p1', h, i * MIN));
    expect(failedGuards(g.evaluate(decided('p1', 't1'), 4 * MIN))).toEqual(['flap_damping']);
    expect(g.evaluate(decided('p1', 't1'), 40 * MIN).verdict).toBe('execute');
  });

  it('release frees the fleet-cap slot and a half-open trial, and counts nothing against the breaker', () => {
    const g = new Guards({
      ...live,
      fleetCap: 1,
      cooldownMs: 0,
      breakerFailures: 1,
      breakerCoolMs: 10 * MIN,
    });
    expect(g.evaluate(decided('p1', 't1'), 0).verdict).toBe('execute');
    expect(failedGuards(g.evaluate(decided('p2', 't1'), 0))).toEqual(['fleet_cap']);
    g.release('p1');
    expect(g.underRemediation(0)).toEqual([]);
    expect(g.evaluate(decided('p2', 't2'), 0).verdict).toBe('execute');
    expect(g.breakerState('p1', 0)).toBe('closed');
    // Half-open: the trial was cut off (released), so the next decision may be the trial.
    g.recordOutcome('p2', 'failure', MIN);
    expect(g.evaluate(decided('p2', 't3'), 11 * MIN).verdict).toBe('execute');
    expect(failedGuards(g.evaluate(decided('p2', 't4'), 11 * MIN))).toEqual(['circuit_breaker']);
    g.release('p2');
    expect(g.evaluate(decided('p2', 't5'), 11 * MIN).verdict).toBe('execute');
  });

  it('a pipeline stays under remediation until its last executed fix ends', () => {
    const g = new Guards({ ...live, fleetCap: 1, cooldownMs: 0 });
    const two = planDecisions(
      [
        parseRunbook(
          {
            name: 'two',
            mode: 'live',
            when: { field: 'pipeline.id', op: 'exists' },
            actions: ['retry_stage', 'scale_workers', 'notify'],
          },
          'two',
        ),
      ],
      makeContext({ trigger: { kind: 'tick', id: 't1', at: 0 }, failing_stage: 'transform' }, 'p1'),
    )[0].actions;
    for (const a of two) expect(g.evaluate(a, 0).verdict).toBe('execute');
    const [retry, scale, notify] = two;
    // The notification held no slot: releasing it changes nothing.
    g.release('p1', notify.idempotency_key);
    g.recordOutcome('p1', 'success', MIN, retry.idempotency_key);
    expect(g.underRemediation(MIN)).toEqual(['p1']);
    expect(failedGuards(g.evaluate(decided('p2', 't1'), MIN))).toEqual(['fleet_cap']);
    // At a restart, the fixes still to verify stay under remediation, the others are released.
    g.retainRemediation(new Set([scale.idempotency_key]));
    expect(g.underRemediation(MIN)).toEqual(['p1']);
    g.retainRemediation(new Set());
    expect(g.underRemediation(MIN)).toEqual([]);
    expect(g.evaluate(decided('p2', 't2'), MIN).verdict).toBe('execute');
    g.release('p2', decided('p2', 't2').idempotency_key);
    expect(g.underRemediation(MIN)).toEqual([]);
  });

  it('its state survives a restart: breaker, cooldown, rate window, flips, keys and remediation', () => {
    const config: Partial<GuardConfig> = {
      ...live,
      fleetCap: 1,
      cooldownMs: 10 * MIN,
      rateLimitMax: 2,
      breakerFailures: 1,
      breakerCoolMs: 60 * MIN,
      flapFlips: 2,
    };
    const before = new Guards(config);
    before.evaluate(decided('broken', 't1'), 0);
    before.recordOutcome('broken', 'failure', MIN);
    before.evaluate(decided('cool', 't1'), MIN);
    before.evaluate(decided('busy', 't1', 'open_ticket'), 0);
    before.evaluate(decided('busy', 't2', 'open_ticket'), 20 * MIN);
    [true, false, true].forEach((h, i) => before.observeHealth('flappy', h, i * MIN));
    const saved = before.changes(2 * MIN).saved;
    expect(saved.map((r) => r.pipeline_id).sort()).toEqual(['broken', 'busy', 'cool', 'flappy']);

    const after = new Guards(config);
    after.restore(JSON.parse(JSON.stringify(saved)), 25 * MIN);
    expect(after.breakerState('broken', 25 * MIN)).toBe('open');
    expect(failedGuards(after.evaluate(decided('broken', 't9'), 25 * MIN))).toContain('circuit_breaker');
    expect(after.evaluate(decided('cool', 't1'), 25 * MIN).verdict).toBe('duplicate');
    expect(after.underRemediation(25 * MIN)).toEqual(['cool']);
    expect(failedGuards(after.evaluate(decided('other', 't1'), 25 * MIN))).toEqual(['fleet_cap']);
    expect(failedGuards(after.evaluate(decided('busy', 't3', 'open_ticket'), 25 * MIN))).toEqual([
      'cooldown',
      'rate_limit',
    ]);
    expect(failedGuards(after.evaluate(decided('flappy', 't1', 'notify'), 25 * MIN))).toEqual([]);
    expect(failedGuards(after.evaluate(decided('flappy', 't2'), 25 * MIN))).toEqual([
      'flap_damping',
      'cooldown',
      'fleet_cap',
    ]);
  });

  it('a restart within the cooldown keeps it', () => {
    const before = new Guards({ ...live, cooldownMs: 30 * MIN });
    before.evaluate(decided('p1', 't1'), 0);
    const after = new Guards({ ...live, cooldownMs: 30 * MIN });
    after.restore(before.changes(0).saved, 5 * MIN);
    expect(failedGuards(after.evaluate(decided('p1', 't2'), 5 * MIN))).toEqual(['cooldown']);
    expect(after.evaluate(decided('p1', 't3'), 31 * MIN).verdict).toBe('execute');
  });

  it('reads one pipeline back from the store: what another process did there counts', () => {
    const config: Partial<GuardConfig> = { ...live, cooldownMs: 10 * MIN, flapFlips: 2 };
    const a = new Guards(config);
    const b = new Guards(config);
    a.observeHealth('p1', true, 0);
    b.observeHealth('p1', true, 0);
    b.evaluate(decided('p2', 't1'), 0);
    const store = new Map(b.changes(0).saved.map((r) => [r.pipeline_id, r]));
    expect(a.evaluate(decided('p1', 't1'), 0).verdict).toBe('execute');
    for (const r of a.changes(0).saved) store.set(r.pipeline_id, r);
    // B acts for p1 next: it reads p1 back first, so A's action holds it (cooldown, key).
    b.restorePipeline('p1', store.get('p1') ?? null, MIN);
    expect(b.evaluate(decided('p1', 't1'), MIN).verdict).toBe('duplicate');
    expect(failedGuards(b.evaluate(decided('p1', 't2'), MIN))).toEqual(['cooldown']);
    // Its own state of other pipelines is untouched.
    expect(b.evaluate(decided('p2', 't1'), MIN).verdict).toBe('duplicate');
    // A pipeline with nothing stored keeps only the last health seen: the next change is a flip.
    b.restorePipeline('p3', null, MIN);
    b.observeHealth('p3', true, MIN);
    b.restorePipeline('p3', null, MIN);
    b.observeHealth('p3', false, MIN);
    b.observeHealth('p3', true, MIN);
    expect(failedGuards(b.evaluate(decided('p3', 't1'), MIN))).toEqual(['flap_damping']);
  });

  it('prunes what expired: on restore, and in the records it hands out (nothing left → cleared)', () => {
    const config: Partial<GuardConfig> = { ...live, cooldownMs: 5 * MIN, idempotencyTtlMs: 60 * MIN };
    const g = new Guards(config);
    g.evaluate(decided('p1', 't1'), 0);
    g.recordOutcome('p1', 'success', MIN);
    g.observeHealth('p2', true, 0);
    g.observeHealth('p2', false, MIN);
    const first = g.changes(MIN);
    expect(first.saved.map((r) => r.pipeline_id).sort()).toEqual(['p1', 'p2']);
    // Nothing changed (the same health seen again): nothing to write.
    g.observeHealth('p2', false, 2 * MIN);
    expect(g.changes(2 * MIN)).toEqual({ saved: [], cleared: [] });
    // Restored two hours later: every window and key has expired, so both records are cleared.
    const after = new Guards(config);
    after.restore(first.saved, 120 * MIN);
    expect(after.changes(120 * MIN)).toEqual({ saved: [], cleared: ['p1', 'p2'] });
    // Partly expired: the rate window (1 h) still holds the action, the flip (30 min) is gone.
    const later = new Guards(config);
    later.restore(first.saved, 45 * MIN);
    const { saved } = later.changes(45 * MIN);
    expect(saved.map((r) => [r.pipeline_id, r.actions, r.flips, r.keys.length])).toEqual([
      ['p1', [0], [], 1],
    ]);
  });

  it('rejects a bad configuration naming the threshold', () => {
    expect(() => new Guards({ rateLimitMax: 0 })).toThrow(AppError);
    expect(() => new Guards({ approvalActions: ['fly' as ActionId] })).toThrow(/approvalActions/);
  });
});
