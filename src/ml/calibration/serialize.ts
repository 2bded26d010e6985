import { artifactCheck, decodeArtifact, encodeArtifact } from '../artifact.js';
import { IsotonicCalibrator } from './isotonic.js';
import { PlattCalibrator } from './platt.js';

/** Model types written into the artifact envelope. */
export const PLATT_MODEL = 'platt_calibrator';
export const ISOTONIC_MODEL = 'isotonic_calibrator';

// A calibrator reads one input: the model score it calibrates.
const FEATURES = ['score'];

/** Serialises Platt coefficients; decoding gives back the very same numbers. */
export function encodePlatt(c: PlattCalibrator): string {
  return encodeArtifact(PLATT_MODEL, {}, FEATURES, { a: c.a, b: c.b });
}

/** Loads Platt coefficients; anything corrupt or foreign is refused with MODEL_INVALID. */
export function decodePlatt(text: string | Uint8Array): PlattCalibrator {
  const body = decodeArtifact(text, PLATT_MODEL).body as { a?: unknown; b?: unknown };
  artifactCheck(typeof body === 'object' && body !== null, PLATT_MODEL, 'body is not an object');
  artifactCheck(
    Number.isFinite(body.a) && Number.isFinite(body.b),
    PLATT_MODEL,
    'a and b must be finite numbers',
  );
  return PlattCalibrator.fromCoefficients(body.a as number, body.b as number);
}

/** Serialises isotonic breakpoints; decoding gives back the very same numbers. */
export function encodeIsotonic(c: IsotonicCalibrator): string {
  return encodeArtifact(ISOTONIC_MODEL, {}, FEATURES, {
    x_thresholds: Array.from(c.xThresholds),
    y_thresholds: Array.from(c.yThresholds),
  });
}

/**
 * Loads isotonic breakpoints, checking x strictly increases and y never decreases; anything corrupt
 * or foreign is refused with MODEL_INVALID.
 */
export function decodeIsotonic(text: string | Uint8Array): IsotonicCalibrator {
  const body = decodeArtifact(text, ISOTONIC_MODEL).body as {
    x_thresholds?: unknown;
    y_thresholds?: unknown;
  };
  const check = (condition: boolean, why: string): void => artifactCheck(condition, ISOTONIC_MODEL, why);
  check(typeof body === 'object' && body !== null, 'body is not an object');
  const { x_thresholds: xs, y_thresholds: ys } = body;
  const finiteList = (v: unknown): v is number[] => Array.isArray(v) && v.every((n) => Number.isFinite(n));
  check(finiteList(xs) && finiteList(ys), 'thresholds must be lists of finite numbers');
  const x = Float64Array.from(xs as number[]);
  const y = Float64Array.from(ys as number[]);
  check(
    x.length >= 1 && x.length === y.length,
    'x_thresholds and y_thresholds must be equally long, not empty',
  );
  for (let i = 1; i < x.length; i++) {
    check(x[i] > x[i - 1], `x_thresholds must increase (index ${i})`);
    check(y[i] >= y[i - 1], `y_thresholds must not decrease (index ${i})`);
  }
  return IsotonicCalibrator.fromThresholds(x, y);
}
