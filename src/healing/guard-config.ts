import { AppError } from '../shared/index.js';
import { ACTION_IDS, type GuardConfig } from './types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The guard thresholds when nothing else is configured (docs/HEALING.md, "Guards"). */
export const DEFAULT_GUARD_CONFIG: Readonly<GuardConfig> = Object.freeze({
  killSwitch: false,
  dryRun: false,
  defaultMode: 'dry_run',
  approvalRisk: 'high',
  approvalActions: [],
  approvalTtlMs: HOUR,
  cooldownMs: 5 * MINUTE,
  rateLimitMax: 6,
  rateLimitWindowMs: HOUR,
  fleetCap: 5,
  remediationTtlMs: 30 * MINUTE,
  breakerFailures: 3,
  breakerCoolMs: 30 * MINUTE,
  flapFlips: 4,
  flapWindowMs: 30 * MINUTE,
  idempotencyTtlMs: 24 * HOUR,
});

const POSITIVE_INTS: readonly (keyof GuardConfig)[] = [
  'approvalTtlMs',
  'rateLimitMax',
  'rateLimitWindowMs',
  'fleetCap',
  'remediationTtlMs',
  'breakerFailures',
  'breakerCoolMs',
  'flapFlips',
  'flapWindowMs',
  'idempotencyTtlMs',
];

/** Defaults overlaid with `partial`, checked once and frozen; a bad value is a CONFIG_INVALID error naming it. */
export function guardConfig(partial: Partial<GuardConfig> = {}): Readonly<GuardConfig> {
  const c: GuardConfig = { ...DEFAULT_GUARD_CONFIG, ...partial };
  const bad = (field: keyof GuardConfig, why: string): never => {
    throw new AppError('CONFIG_INVALID', `guard ${field} ${why}`, { field });
  };
  for (const k of POSITIVE_INTS) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
      bad(k, `must be an integer ≥ 1, got ${String(v)}`);
  }
  if (!Number.isInteger(c.cooldownMs) || c.cooldownMs < 0) bad('cooldownMs', 'must be an integer ≥ 0');
  if (!['low', 'medium', 'high'].includes(c.approvalRisk)) bad('approvalRisk', 'must be low, medium or high');
  if (c.defaultMode !== 'dry_run' && c.defaultMode !== 'live') bad('defaultMode', 'must be dry_run or live');
  for (const a of c.approvalActions)
    if (!(ACTION_IDS as readonly string[]).includes(a))
      bad('approvalActions', `has an unknown action "${a}"`);
  return Object.freeze({ ...c, approvalActions: Object.freeze([...c.approvalActions]) });
}
