import { ValidationError } from '../shared/index.js';
import type { PreflightDecision, PreflightThresholds } from './types.js';

/** Thresholds used when the prediction model brings no calibrated ones. */
export const DEFAULT_PREFLIGHT_THRESHOLDS: Readonly<PreflightThresholds> = Object.freeze({
  gate: 0.6,
  prevent: 0.85,
});

/**
 * The thresholds to use: the calibrated model's where it has them, else the defaults. Throws a
 * ValidationError when a threshold is outside [0, 1] or gate > prevent.
 */
export function preflightThresholds(
  calibrated: Partial<PreflightThresholds> | null | undefined,
  defaults: PreflightThresholds = DEFAULT_PREFLIGHT_THRESHOLDS,
): PreflightThresholds {
  const gate = calibrated?.gate ?? defaults.gate;
  const prevent = calibrated?.prevent ?? defaults.prevent;
  for (const [name, v] of [
    ['gate', gate],
    ['prevent', prevent],
  ] as const) {
    if (!Number.isFinite(v) || v < 0 || v > 1)
      throw new ValidationError(`thresholds.${name}`, `thresholds.${name} must be in [0, 1], got ${v}`);
  }
  if (gate > prevent)
    throw new ValidationError(
      'thresholds.gate',
      `thresholds.gate (${gate}) must not exceed prevent (${prevent})`,
    );
  return { gate, prevent };
}

/** Continue below `gate`, hold for approval from `gate`, prevent the run from `prevent` on. */
export function preflightPolicy(probability: number, thresholds: PreflightThresholds): PreflightDecision {
  if (!(probability >= 0 && probability <= 1))
    throw new RangeError(`failure probability must be in [0, 1], got ${probability}`);
  if (probability >= thresholds.prevent) return 'prevent';
  if (probability >= thresholds.gate) return 'gate';
  return 'continue';
}
