import { describe, expect, it } from 'vitest';
import { SeededRng } from '../shared/index.js';
import { METRIC_ALERT_LEVEL, MetricStreams } from './metric-streams.js';

describe('MetricStreams', () => {
  it('alerts online at its own level, stricter than the streaming detector’s 0.5', () => {
    // Noise with a mild level shift (1.4 σ for 30 points): a 0.5 alert, not a 0.75 one.
    const rng = new SeededRng(11);
    const values = Array.from(
      { length: 1600 },
      (_, i) => 50 + 5 * rng.normal() + (i >= 1500 && i < 1530 ? 7 : 0),
    );
    const strict = new MetricStreams();
    const loose = new MetricStreams({ alertLevel: 0.5 });
    const alerts = { strict: 0, loose: 0 };
    values.forEach((v, i) => {
      const s = strict.update('p', 'cpu_percent', v);
      const l = loose.update('p', 'cpu_percent', v);
      expect(s?.alert).toBe((s?.score ?? 0) >= METRIC_ALERT_LEVEL);
      expect(l?.score).toBe(s?.score);
      if (i < 1500) return;
      if (s?.alert) alerts.strict++;
      if (l?.alert) alerts.loose++;
    });
    expect(alerts).toEqual({ strict: 0, loose: 1 });
    // A value far beyond anything seen still alerts.
    expect(strict.update('p', 'cpu_percent', 400)?.alert).toBe(true);
  });
});
