import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stageRisks } from './stage-risk.js';

describe('stage risk', () => {
  it('ranks the original case: extract (0.4, 2 retries, critical) above validate (0.2, 1, not critical)', () => {
    const [extract, validate] = stageRisks(0.5, [
      { name: 'extract', failure_rate: 0.4, retry_count: 2, is_critical: true },
      { name: 'validate', failure_rate: 0.2, retry_count: 1, is_critical: false },
    ]);
    expect(extract.risk).toBeGreaterThan(validate.risk);
    expect(extract.is_critical).toBe(true);
  });

  it('stays in [0, 1] and rises with each input', () => {
    const stage = fc.record({
      failure_rate: fc.double({ min: 0, max: 1, noNaN: true }),
      retry_count: fc.double({ min: 0, max: 20, noNaN: true }),
      is_critical: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), stage, (p, s) => {
        const [base] = stageRisks(p, [{ name: 's', ...s }]);
        expect(base.risk).toBeGreaterThanOrEqual(0);
        expect(base.risk).toBeLessThanOrEqual(1);
        const [critical] = stageRisks(p, [{ name: 's', ...s, is_critical: true }]);
        const [higher] = stageRisks(Math.min(1, p + 0.1), [{ name: 's', ...s }]);
        expect(critical.risk).toBeGreaterThanOrEqual(base.risk);
        expect(higher.risk).toBeGreaterThanOrEqual(base.risk);
      }),
    );
  });
});
