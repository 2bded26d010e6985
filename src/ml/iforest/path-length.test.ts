import { describe, expect, it } from 'vitest';
import { averagePathLength } from './path-length.js';

describe('averagePathLength c(n)', () => {
  it('matches hand-computed values', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // 2(ln 2 + γ) − 4/3
    expect(averagePathLength(3)).toBeCloseTo(1.207392357589623, 14);
    // 2(ln 255 + γ) − 510/256
    expect(averagePathLength(256)).toBeCloseTo(10.244770920119917, 12);
  });
});
