import type { ActionId, Escalation, LadderStep, RiskLevel } from './types.js';

/** How much harm each action does when it is wrong (drives the approval guard). */
export const ACTION_RISK: Readonly<Record<ActionId, RiskLevel>> = Object.freeze({
  retry_stage: 'low',
  resume_pipeline: 'low',
  increase_timeout: 'low',
  open_ticket: 'low',
  notify: 'low',
  skip_stage: 'medium',
  pause_pipeline: 'medium',
  scale_workers: 'medium',
  restart_worker: 'medium',
  switch_fallback: 'medium',
  rollback_pipeline: 'high',
  terminate_execution: 'high',
});

const RISK_ORDER: Readonly<Record<RiskLevel, number>> = { low: 0, medium: 1, high: 2 };

/** True when `risk` is `floor` or riskier. */
export function riskAtLeast(risk: RiskLevel, floor: RiskLevel): boolean {
  return RISK_ORDER[risk] >= RISK_ORDER[floor];
}

/** The safe ladder, lowest risk first. */
export const SAFE_LADDER: readonly LadderStep[] = Object.freeze([
  'continue',
  'retry_stage',
  'skip_stage',
  'pause_pipeline',
  'rollback_pipeline',
  'terminate_execution',
] as const);

/**
 * Actions beside the ladder and the rung each stands next to: when one fails, the ladder goes on
 * from the rung after it. Tickets and notifications already involve people, so they have no rung.
 */
export const BESIDE_LADDER: Readonly<Partial<Record<ActionId, LadderStep>>> = Object.freeze({
  resume_pipeline: 'continue',
  scale_workers: 'retry_stage',
  increase_timeout: 'retry_stage',
  restart_worker: 'retry_stage',
  switch_fallback: 'retry_stage',
});

/** The rung an action stands on or beside; null for tickets and notifications. */
export function ladderRung(action: LadderStep): number | null {
  const own = SAFE_LADDER.indexOf(action);
  if (own >= 0) return own;
  const beside = BESIDE_LADDER[action as ActionId];
  return beside === undefined ? null : SAFE_LADDER.indexOf(beside);
}

/** The next step up the ladder after `action`, or `escalate_to_human` past the top (or off the ladder). */
export function nextOnLadder(action: LadderStep): Escalation {
  const rung = ladderRung(action);
  if (rung === null || rung + 1 >= SAFE_LADDER.length) return 'escalate_to_human';
  return SAFE_LADDER[rung + 1] as ActionId;
}
