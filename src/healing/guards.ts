/**
 * Every guard in one place. Before any executor runs, each action passes here: idempotency, the
 * kill switch, the circuit breaker, flap damping, cooldown, rate limit, the fleet-wide cap, dry run
 * and human approval. State lives in memory; time comes in as `now`, so tests drive it by hand.
 */
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

type KeyState = { state: 'done'; at: number } | { state: 'pending_approval'; at: number; expires_at: number };

interface PipelineGuardState {
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
  /** Pipelines acted on whose outcome is not yet recorded, with the time of the action. */
  private readonly remediating = new Map<string, number>();

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
    this.pruneWindows(p, now);
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

  /** Records a fix's outcome: releases the pipeline from the fleet cap and feeds its breaker. */
  recordOutcome(pipelineId: string, outcome: FixOutcome, now: number): OutcomeEffect {
    const p = this.state(pipelineId);
    this.remediating.delete(pipelineId);
    const was = this.breaker(p, now);
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
    p.lastHealthy = healthy;
    this.pruneWindows(p, now);
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

  /** Marks an idempotency key as decided (e.g. read back from the audit after a restart). */
  remember(key: string, at: number): void {
    this.keys.delete(key);
    this.keys.set(key, { state: 'done', at });
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
      if (k?.state === 'pending_approval' && now > k.expires_at) this.remember(action.idempotency_key, now);
    } else if (first !== undefined && first !== 'dry_run' && first !== 'approval') {
      verdict = 'denied';
      if (first === 'circuit_breaker' && facts.breaker === 'open') escalation = 'escalate_to_human';
      if (first === 'fleet_cap') escalation = 'escalate_incident';
    } else if (first === 'dry_run') {
      verdict = 'dry_run';
    } else if (first === 'approval' && facts.lateApproval) {
      verdict = 'denied';
      this.remember(action.idempotency_key, now);
    } else if (first === 'approval') {
      verdict = 'needs_approval';
      expiresAt = now + this.config.approvalTtlMs;
      this.keys.delete(action.idempotency_key);
      this.keys.set(action.idempotency_key, { state: 'pending_approval', at: now, expires_at: expiresAt });
    } else {
      verdict = 'execute';
    }
    if (verdict === 'execute' || verdict === 'dry_run') this.take(action, now, verdict === 'execute');
    return { verdict, guards: results, escalation, approval_expires_at: expiresAt };
  }

  /** Counts an action taken: its key, the rate window, the cooldown, and (when executed) the fleet cap. */
  private take(action: DecidedAction, now: number, executed: boolean): void {
    const p = this.state(action.pipeline_id);
    this.remember(action.idempotency_key, now);
    p.actions.push(now);
    p.lastDecision = action.decision_key;
    p.lastActedAt = now;
    if (!executed || PEOPLE_ACTIONS.has(action.spec.action)) return;
    this.remediating.set(action.pipeline_id, now);
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

  private pruneWindows(p: PipelineGuardState, now: number): void {
    dropBefore(p.actions, now - this.config.rateLimitWindowMs);
    dropBefore(p.flips, now - this.config.flapWindowMs);
    this.pruneRemediating(now);
  }

  private pruneRemediating(now: number): void {
    for (const [id, since] of this.remediating)
      if (now - since >= this.config.remediationTtlMs) this.remediating.delete(id);
  }

  // Keys are kept in the order they were last set, so the expired ones sit at the front.
  private pruneKeys(now: number): void {
    for (const [key, s] of this.keys) {
      if (now - s.at < this.config.idempotencyTtlMs) break;
      this.keys.delete(key);
    }
  }
}

/** Removes the leading times ≤ `limit` from a sorted list. */
function dropBefore(times: number[], limit: number): void {
  let n = 0;
  while (n < times.length && times[n] <= limit) n++;
  if (n > 0) times.splice(0, n);
}
