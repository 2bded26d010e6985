import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AppError } from '../../shared/index.js';
import { encodeArtifact } from '../artifact.js';
import { IsotonicCalibrator } from './isotonic.js';
import { PlattCalibrator } from './platt.js';
import { decodeIsotonic, decodePlatt, encodeIsotonic, encodePlatt } from './serialize.js';

const labelled = fc.array(fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.constantFrom(0, 1)), {
  minLength: 2,
  maxLength: 40,
});

function modelInvalid(load: () => unknown, message: RegExp): void {
  try {
    load();
    expect.unreachable();
  } catch (err) {
    expect((err as AppError).code).toBe('MODEL_INVALID');
    expect((err as Error).message).toMatch(message);
  }
}

describe('calibrator artifacts', () => {
  it('round-trip exactly', () => {
    fc.assert(
      fc.property(labelled, (rows) => {
        const s = rows.map((r) => r[0]);
        const y = rows.map((r) => r[1]);
        const platt = PlattCalibrator.fit(s, y);
        const plattBack = decodePlatt(encodePlatt(platt));
        expect([plattBack.a, plattBack.b]).toEqual([platt.a, platt.b]);
        const iso = IsotonicCalibrator.fit(s, y);
        const isoBack = decodeIsotonic(encodeIsotonic(iso));
        expect(isoBack.transform(s)).toEqual(iso.transform(s));
        expect(encodeIsotonic(isoBack)).toBe(encodeIsotonic(iso));
      }),
      { numRuns: 50 },
    );
  });

  it('refuse foreign and corrupt artifacts', () => {
    const iso = encodeIsotonic(IsotonicCalibrator.fit([1, 2], [0, 1]));
    modelInvalid(() => decodePlatt(iso), /holds a "isotonic_calibrator" model/);
    modelInvalid(() => decodePlatt(encodeArtifact('platt_calibrator', {}, ['score'], { a: 1 })), /a and b/);
    const body = (b: unknown): string => encodeArtifact('isotonic_calibrator', {}, ['score'], b);
    modelInvalid(() => decodeIsotonic(body({ x_thresholds: [2, 1], y_thresholds: [0, 1] })), /must increase/);
    modelInvalid(
      () => decodeIsotonic(body({ x_thresholds: [1, 2], y_thresholds: [1, 0] })),
      /must not decrease/,
    );
    modelInvalid(() => decodeIsotonic(body({ x_thresholds: [1], y_thresholds: [] })), /equally long/);
    modelInvalid(() => decodeIsotonic(body(null)), /body/);
  });
});
