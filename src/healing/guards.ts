/**
 * Every guard in one place. Before any executor runs, each action passes here: idempotency, the
 * kill switch, the circuit breaker, flap damping, cooldown, rate limit, the fleet-wide cap, dry run
 * and human approval. State lives in memory and goes out as data (`changes`, `restore`), so the
 * caller keeps it across restarts; time comes in as `now`, so tests drive it by hand.
 */
import type { PipelineGuardRecord } from '../ports/index.js';
import { riskAtLeast } from './actions.js';
import { guardConfig } from './guard-config.js';
import type {
  ActionId,
  BreakerState,
  DecidedAction,
  FixOutcome,
  GuardConfig,
  GuardEscalation,
  GuardName,
  GuardResult,
  GuardVerdict,
  GuardVerdictKind,
} from './types.js';

/** Actions that change nothing in the pipeline (they reach people): no breaker, flap or fleet cap. */
const PEOPLE_ACTIONS: ReadonlySet<ActionId> = new Set(['open_ticket', 'notify']);

/** An approval a human gave, with the expiry of its request (epoch ms). */
export interface GivenApproval {
  approved_at: number;
  expires_at: number;
}

export interface EvaluateOptions {
  /** The action was approved by a human (the approval request's record). */
  approval?: GivenApproval;
}

/** What recording an outcome did to the pipeline's breaker. */
export interface OutcomeEffect {
  breaker: BreakerState;
  /** `escalate_to_human` when this outcome opened the breaker. */
  escalation: GuardEscalation | null;
}

/** What changed since the last call to `changes`: records to keep, and pipelines with nothing left to guard. */
export interface GuardChanges {
  saved: PipelineGuardRecord[];
  cleared: string[];
}

type KeyState = { pipeline: string; at: number } & (
  { state: 'done' } | { state: 'pending_approval'; expires_at: number }
);

interface PipelineGuardState {
  /** Its idempotency keys (the states are in `Guards.keys`). */
  keys: Set<string>;
  /** Times of the actions taken (executed or dry run), oldest first. */
  actions: number[];
  lastDecision: string | null;
  lastActedAt: number;
  failures: number;
  breakerOpenedAt: number | null;
  /** The one decision let through while half-open. */
  trialDecision: string | null;
  lastHealthy: boolean | null;
  flips: number[];
}

const fmtMs = (ms: number): string =>
  ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.ceil(ms / 1000)} s`;

/** The guards of the healing loop; one instance per service. */
export class Guards {
  readonly config: Readonly<GuardConfig>;
  private killSwitchOn: boolean;
  private readonly keys = new Map<string, KeyState>();
  private readonly pipelines = new Map<string, PipelineGuardState>();
  /** Pipelines with executed fixes whose remediation has not ended: their keys and times. */
  private readonly remediating = new Map<string, Map<string, number>>();
  /** Pipelines whose state changed since the last `changes`. */
  private readonly dirty = new Set<string>();

  constructor(config: Partial<GuardConfig> = {}) {
    this.config = guardConfig(config);
    this.killSwitchOn = this.config.killSwitch;
  }

  /** Turns the global kill switch on or off. */
  setKillSwitch(on: boolean): void {
    this.killSwitchOn = on;
  }

  killSwitch(): boolean {
    return this.killSwitchOn;
  }

  /**
   * The verdict for one action at `now`, with every guard's result for the audit. `execute`,
   * `dry_run` and `needs_approval` are recorded (key, rate window, cooldown, remediation), so the
   * same action asked again is a `duplicate`.
   */
  evaluate(action: DecidedAction, now: number, options: EvaluateOptions = {}): GuardVerdict {
    this.pruneKeys(now);
    const p = this.state(action.pipeline_id);
    this.pruneWindows(action.pipeline_id, p, now);
    this.dirty.add(action.pipeline_id);
    const people = PEOPLE_ACTIONS.has(action.spec.action);
    const results: GuardResult[] = [];
    const add = (name: GuardName, passed: boolean, detail: string) => results.push({ name, passed, detail });

    const key = this.keys.get(action.idempotency_key);
    const approval = options.approval;
    if (key === undefined) add('idempotency', true, 'first time this action is decided');
    else if (key.state === 'pending_approval' && approval !== undefined)
      add('idempotency', true, 'approved by a human');
    else if (key.state === 'pending_approval')
      add(
        'idempotency',
        false,
        now > key.expires_at ? 'its approval request expired' : 'already waiting for approval',
      );
    else add('idempotency', false, `already decided at ${new Date(key.at).toISOString()}`);

    add('kill_switch', !this.killSwitchOn, this.killSwitchOn ? 'kill switch is on' : 'off');

    const breaker = this.breaker(p, now);
    const trialTaken =
      breaker === 'half_open' && p.trialDecision !== null && p.trialDecision !== action.decision_key;
    if (people) add('circuit_breaker', true, `${breaker}; tickets and notifications pass`);
    else if (breaker === 'open')
      add('circuit_breaker', false, `open after ${p.failures} failed fixes; a human must look`);
    else if (trialTaken) add('circuit_breaker', false, 'half-open and its one trial is under way');
    else add('circuit_breaker', true, breaker === 'half_open' ? 'half-open: one trial allowed' : 'closed');

    const flips = p.flips.length;
    const flapping = !people && flips >= this.config.flapFlips;
    add(
      'flap_damping',
      !flapping,
      `${flips} health flips in ${fmtMs(this.config.flapWindowMs)} (hold from ${this.config.flapFlips})`,
    );

    const cooling =
      p.lastDecision !== null &&
      p.lastDecision !== action.decision_key &&
      now - p.lastActedAt < this.config.cooldownMs;
    add(
      'cooldown',
      !cooling,
      cooling
        ? `acted ${fmtMs(now - p.lastActedAt)} ago; cooldown ${fmtMs(this.config.cooldownMs)}`
        : 'not cooling down',
    );

    const used = p.actions.length;
    add(
      'rate_limit',
      used < this.config.rateLimitMax,
      `${used} of ${this.config.rateLimitMax} actions in ${fmtMs(this.config.rateLimitWindowMs)}`,
    );

    const already = this.remediating.has(action.pipeline_id);
    const others = this.remediating.size - (already ? 1 : 0);
    const capped = !people && !already && others >= this.config.fleetCap;
    add(
      'fleet_cap',
      !capped,
      `${others} other pipelines under remediation (cap ${this.config.fleetCap})${capped ? '; a human must look' : ''}`,
    );

    const dry =
      this.config.dryRun ||
      action.mode === 'dry_run' ||
      (action.mode === null && this.config.defaultMode === 'dry_run');
    add(
      'dry_run',
      !dry,
      this.config.dryRun ? 'global dry run' : dry ? `runbook "${action.runbook}" runs dry` : 'live',
    );

    const needsHuman =
      action.requires_approval ||
      riskAtLeast(action.risk, this.config.approvalRisk) ||
      this.config.approvalActions.includes(action.spec.action);
    const lateApproval = approval !== undefined && approval.approved_at > approval.expires_at;
    if (!needsHuman) add('approval', true, `${action.risk} risk; no approval needed`);
    else if (approval === undefined)
      add('approval', false, `${action.risk}-risk ${action.spec.action} needs a human`);
    else add('approval', !lateApproval, lateApproval ? 'approved after the request expired' : 'approved');

    return this.commit(action, now, results, { breaker, capped, lateApproval });
  }

  /**
   * The remediation of the fix `key` (every fix of the pipeline when left out) ended without a fix to
   * judge — the action was unsupported, or cut off by a restart and escalated. The breaker counts
   * nothing; once no fix of the pipeline is left, its fleet-cap slot and a half-open trial are freed.
   */
  release(pipelineId: string, key?: string): void {
    const fixes = this.remediating.get(pipelineId);
    if (key !== undefined) fixes?.delete(key);
    if (key === undefined || fixes?.size === 0) {
      this.remediating.delete(pipelineId);
      const p = this.pipelines.get(pipelineId);
      if (p !== undefined) p.trialDecision = null;
    }
    this.dirty.add(pipelineId);
  }

  /** Releases every fix under remediation whose key is not in `open` (e.g. those still verified at start). */
  retainRemediation(open: ReadonlySet<string>): void {
    for (const [id, fixes] of [...this.remediating])
      for (const key of [...fixes.keys()]) if (!open.has(key)) this.release(id, key);
  }

  /**
   * Records a fix's outcome (the fix `key`, or every fix of the pipeline when left out): releases it
   * from the fleet cap and feeds the pipeline's breaker.
   */
  recordOutcome(pipelineId: string, outcome: FixOutcome, now: number, key?: string): OutcomeEffect {
    const p = this.state(pipelineId);
    const was = this.breaker(p, now);
    this.release(pipelineId, key);
    p.trialDecision = null;
    if (outcome === 'success') {
      p.failures = 0;
      p.breakerOpenedAt = null;
      return { breaker: 'closed', escalation: null };
    }
    p.failures++;
    if (was === 'half_open' || (was === 'closed' && p.failures >= this.config.breakerFailures)) {
      p.breakerOpenedAt = now;
      return { breaker: 'open', escalation: 'escalate_to_human' };
    }
    return { breaker: this.breaker(p, now), escalation: null };
  }

  /** Records whether the pipeline looks healthy now; a change counts as a flip for flap damping. */
  observeHealth(pipelineId: string, healthy: boolean, now: number): void {
    const p = this.state(pipelineId);
    if (p.lastHealthy !== null && p.lastHealthy !== healthy) p.flips.push(now);
    // The same health again changes nothing to write.
    if (p.lastHealthy !== healthy) this.dirty.add(pipelineId);
    p.lastHealthy = healthy;
    this.pruneWindows(pipelineId, p, now);
  }

  /** The pipeline's breaker at `now`. */
  breakerState(pipelineId: string, now: number): BreakerState {
    const p = this.pipelines.get(pipelineId);
    return p === undefined ? 'closed' : this.breaker(p, now);
  }

  /** Pipelines under remediation at `now`. */
  underRemediation(now: number): string[] {
    this.pruneRemediating(now);
    return [...this.remediating.keys()];
  }

  /**
   * The state of every pipeline whose state changed since the last call, times outside their windows
   * pruned: a record for each with something left to guard, the others `cleared`.
   */
  changes(now: number): GuardChanges {
    this.pruneKeys(now);
    this.pruneRemediating(now);
    const out: GuardChanges = { saved: [], cleared: [] };
    for (const id of this.dirty) {
      const p = this.pipelines.get(id);
      if (p !== undefined) this.pruneWindows(id, p, now);
      const record = p === undefined ? null : this.record(id, p, now);
      if (record === null) out.cleared.push(id);
      else out.saved.push(record);
    }
    this.dirty.clear();
    return out;
  }

  /**
   * Replaces all state with `records` (what `changes` gave an earlier process), pruning what expired
   * by `now`; every restored pipeline counts as changed, so the next `changes` writes the pruning.
   */
  restore(records: readonly PipelineGuardRecord[], now: number): void {
    this.keys.clear();
    this.pipelines.clear();
    this.remediating.clear();
    const keys = records.flatMap((r) => this.apply(r));
    keys.sort((a, b) => a.at - b.at);
    for (const { key, ...k } of keys) this.setKey(key, k);
    for (const r of records) this.dirty.add(r.pipeline_id);
    this.pruneKeys(now);
    this.pruneRemediating(now);
    for (const [id, p] of this.pipelines) this.pruneWindows(id, p, now);
  }

  /**
   * Replaces one pipeline's state with what the store has (null: nothing), e.g. before acting for it,
   * so what another process sharing the store did for the pipeline counts here too.
   */
  restorePipeline(pipelineId: string, record: PipelineGuardRecord | null, now: number): void {
    const mine = this.pipelines.get(pipelineId);
    const stored = new Map((record?.keys ?? []).map((k) => [k.key, k]));
    for (const key of [...(mine?.keys ?? [])]) {
      const k = this.keys.get(key);
      const s = stored.get(key);
      const same =
        k !== undefined &&
        s !== undefined &&
        k.at === s.at &&
        (k.state === 'pending_approval' ? k.expires_at : null) === s.expires_at;
      if (same) stored.delete(key);
      else this.dropKey(key);
    }
    this.pipelines.delete(pipelineId);
    this.remediating.delete(pipelineId);
    if (record === null) {
      // Nothing left to guard; the last health seen here still tells the next flip.
      if (mine?.lastHealthy != null) this.state(pipelineId).lastHealthy = mine.lastHealthy;
      return;
    }
    const kept = [...(mine?.keys ?? [])].filter((key) => this.keys.has(key));
    for (const { key, ...k } of this.apply({ ...record, keys: [...stored.values()] })) this.setKey(key, k);
    const p = this.state(pipelineId);
    for (const key of kept) p.keys.add(key);
    this.pruneWindows(pipelineId, p, now);
  }

  /** Sets a pipeline's state from its record; returns its keys, for the caller to set in order. */
  private apply(r: PipelineGuardRecord): (KeyState & { key: string })[] {
    const p = this.state(r.pipeline_id);
    p.actions = sortedTimes(r.actions);
    p.lastDecision = r.last_decision;
    p.lastActedAt = r.last_acted_at;
    p.failures = r.failures;
    p.breakerOpenedAt = r.breaker_opened_at;
    p.trialDecision = r.trial_decision;
    p.lastHealthy = r.last_healthy;
    p.flips = sortedTimes(r.flips);
    if (r.remediating.length > 0)
      this.remediating.set(r.pipeline_id, new Map(r.remediating.map((f) => [f.key, f.since])));
    return r.keys.map((k) =>
      k.expires_at === null
        ? { key: k.key, pipeline: r.pipeline_id, state: 'done', at: k.at }
        : {
            key: k.key,
            pipeline: r.pipeline_id,
            state: 'pending_approval',
            at: k.at,
            expires_at: k.expires_at,
          },
    );
  }

  /** The pipeline's state as a record, or null when nothing in it still guards anything at `now`. */
  private record(id: string, p: PipelineGuardState, now: number): PipelineGuardRecord | null {
    const fixes = this.remediating.get(id);
    const cooling = p.lastDecision !== null && now - p.lastActedAt < this.config.cooldownMs;
    const idle =
      p.keys.size === 0 &&
      p.actions.length === 0 &&
      p.flips.length === 0 &&
      p.failures === 0 &&
      p.breakerOpenedAt === null &&
      fixes === undefined &&
      !cooling;
    if (idle) return null;
    const keys: PipelineGuardRecord['keys'] = [];
    for (const key of p.keys) {
      const k = this.keys.get(key);
      if (k !== undefined)
        keys.push({ key, at: k.at, expires_at: k.state === 'pending_approval' ? k.expires_at : null });
    }
    return {
      pipeline_id: id,
      keys,
      actions: [...p.actions],
      last_decision: p.lastDecision,
      last_acted_at: p.lastActedAt,
      failures: p.failures,
      breaker_opened_at: p.breakerOpenedAt,
      trial_decision: p.trialDecision,
      last_healthy: p.lastHealthy,
      flips: [...p.flips],
      remediating: [...(fixes ?? [])].map(([key, since]) => ({ key, since })),
    };
  }

  /** Marks an idempotency key of the pipeline as decided at `at`. */
  private remember(pipelineId: string, key: string, at: number): void {
    this.setKey(key, { pipeline: pipelineId, state: 'done', at });
  }

  /** Sets a key's state, moving it to the end of the map (keys stay in the order they were set). */
  private setKey(key: string, k: KeyState): void {
    this.dropKey(key);
    this.keys.set(key, k);
    this.state(k.pipeline).keys.add(key);
    this.dirty.add(k.pipeline);
  }

  private dropKey(key: string): void {
    const k = this.keys.get(key);
    if (k === undefined) return;
    this.keys.delete(key);
    this.pipelines.get(k.pipeline)?.keys.delete(key);
    this.dirty.add(k.pipeline);
  }

  private commit(
    action: DecidedAction,
    now: number,
    results: GuardResult[],
    facts: { breaker: BreakerState; capped: boolean; lateApproval: boolean },
  ): GuardVerdict {
    const first = results.find((r) => !r.passed)?.name;
    let verdict: GuardVerdictKind;
    let escalation: GuardEscalation | null = null;
    let expiresAt: number | null = null;
    if (first === 'idempotency') {
      verdict = 'duplicate';
      const k = this.keys.get(action.idempotency_key);
      if (k?.state === 'pending_approval' && now > k.expires_at)
        this.remember(action.pipeline_id, action.idempotency_key, now);
    } else if (first !== undefined && first !== 'dry_run' && first !== 'approval') {
      verdict = 'denied';
      if (first === 'circuit_breaker' && facts.breaker === 'open') escalation = 'escalate_to_human';
      if (first === 'fleet_cap') escalation = 'escalate_incident';
    } else if (first === 'dry_run') {
      verdict = 'dry_run';
    } else if (first === 'approval' && facts.lateApproval) {
      verdict = 'denied';
      this.remember(action.pipeline_id, action.idempotency_key, now);
    } else if (first === 'approval') {
      verdict = 'needs_approval';
      expiresAt = now + this.config.approvalTtlMs;
      this.setKey(action.idempotency_key, {
        pipeline: action.pipeline_id,
        state: 'pending_approval',
        at: now,
        expires_at: expiresAt,
      });
    } else {
      verdict = 'execute';
    }
    if (verdict === 'execute' || verdict === 'dry_run') this.take(action, now, verdict === 'execute');
    return { verdict, guards: results, escalation, approval_expires_at: expiresAt };
  }

  /** Counts an action taken: its key, the rate window, the cooldown, and (when executed) the fleet cap. */
  private take(action: DecidedAction, now: number, executed: boolean): void {
    const p = this.state(action.pipeline_id);
    this.remember(action.pipeline_id, action.idempotency_key, now);
    p.actions.push(now);
    p.lastDecision = action.decision_key;
    p.lastActedAt = now;
    if (!executed || PEOPLE_ACTIONS.has(action.spec.action)) return;
    const fixes = this.remediating.get(action.pipeline_id) ?? new Map<string, number>();
    fixes.set(action.idempotency_key, now);
    this.remediating.set(action.pipeline_id, fixes);
    if (this.breaker(p, now) === 'half_open') p.trialDecision = action.decision_key;
  }

  private breaker(p: PipelineGuardState, now: number): BreakerState {
    if (p.breakerOpenedAt === null) return 'closed';
    return now - p.breakerOpenedAt >= this.config.breakerCoolMs ? 'half_open' : 'open';
  }

  private state(pipelineId: string): PipelineGuardState {
    let p = this.pipelines.get(pipelineId);
    if (p === undefined) {
      p = {
        keys: new Set(),
        actions: [],
        lastDecision: null,
        lastActedAt: 0,
        failures: 0,
        breakerOpenedAt: null,
        trialDecision: null,
        lastHealthy: null,
        flips: [],
      };
      this.pipelines.set(pipelineId, p);
    }
    return p;
  }

  private pruneWindows(id: string, p: PipelineGuardState, now: number): void {
    const dropped =
      dropBefore(p.actions, now - this.config.rateLimitWindowMs) +
      dropBefore(p.flips, now - this.config.flapWindowMs);
    if (dropped > 0) this.dirty.add(id);
    this.pruneRemediating(now);
  }

  private pruneRemediating(now: number): void {
    for (const [id, fixes] of this.remediating)
      for (const [key, since] of fixes)
        if (now - since >= this.config.remediationTtlMs) {
          fixes.delete(key);
          if (fixes.size === 0) this.remediating.delete(id);
          this.dirty.add(id);
        }
  }

  // Keys are kept in the order they were last set, so the expired ones sit at the front.
  private pruneKeys(now: number): void {
    for (const [key, s] of this.keys) {
      if (now - s.at < this.config.idempotencyTtlMs) break;
      this.dropKey(key);
    }
  }
}

/** Removes the leading times ≤ `limit` from a sorted list; returns how many. */
function dropBefore(times: number[], limit: number): number {
  let n = 0;
  while (n < times.length && times[n] <= limit) n++;
  if (n > 0) times.splice(0, n);
  return n;
}

const sortedTimes = (times: readonly number[]): number[] =>
  times.filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
