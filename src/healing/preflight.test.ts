import { describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/index.js';
import { DEFAULT_PREFLIGHT_THRESHOLDS, preflightPolicy, preflightThresholds } from './preflight.js';

describe('preflight policy', () => {
  const t = { gate: 0.5, prevent: 0.9 };
  it('continues below gate, gates from gate, prevents from prevent', () => {
    expect(preflightPolicy(0.49, t)).toBe('continue');
    expect(preflightPolicy(0.5, t)).toBe('gate');
    expect(preflightPolicy(0.89, t)).toBe('gate');
    expect(preflightPolicy(0.9, t)).toBe('prevent');
  });

  it("takes the calibrated model's thresholds where present", () => {
    expect(preflightThresholds({ gate: 0.3 })).toEqual({
      gate: 0.3,
      prevent: DEFAULT_PREFLIGHT_THRESHOLDS.prevent,
    });
    expect(preflightThresholds(null)).toEqual(DEFAULT_PREFLIGHT_THRESHOLDS);
  });

  it('rejects thresholds out of range or gate above prevent', () => {
    expect(() => preflightThresholds({ gate: 0.95, prevent: 0.9 })).toThrow(ValidationError);
    expect(() => preflightThresholds({ prevent: 1.5 })).toThrow(/thresholds.prevent/);
    expect(() => preflightPolicy(Number.NaN, t)).toThrow(RangeError);
  });
});
