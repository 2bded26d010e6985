import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../shared/index.js';
import { ALERT_LEVEL, EpisodeGate } from './episode.js';
import { History } from './history.js';
import { NearestShape } from './nearest.js';
import { RangeNovelty } from './novelty.js';
import { SurpriseMeter } from './surprise.js';
import { normalTail } from './tail.js';

describe('History', () => {
  it('keeps the last values contiguous across the wrap-around', () => {
    const h = new History(3);
    for (const v of [1, 2, 3, 4, 5]) h.push(v);
    expect(h.size).toBe(3);
    expect([h.back(0), h.back(1), h.back(2)]).toEqual([5, 4, 3]);
    expect([0, 1, 2].map((age) => h.data[h.latest - age])).toEqual([5, 4, 3]);
    expect(() => new History(0)).toThrow(RangeError);
  });
});

describe('NearestShape', () => {
  it('finds the earlier occurrence of the latest shape', () => {
    // Latest shape (stride 1, length 3) is [7, 8, 9]; it occurred 5 steps earlier.
    const h = new History(16);
    for (const v of [0, 7, 8, 9, 1, 2, 7, 8, 9]) h.push(v);
    const search = new NearestShape({ length: 3, stride: 1, minLag: 3, lagStep: 1 });
    expect(search.distance(h.data, h.latest, h.size)).toBe(0);
    // Next point 10: [8, 9, 10]; nearest is the earlier [7, 8, 9], each point off by 1 → RMS 1.
    h.push(10);
    expect(search.distance(h.data, h.latest, h.size)).toBeCloseTo(1, 12);
  });

  it('matches a brute-force scan on random data, with the lag hint and a lag step', () => {
    const rng = new SeededRng(9);
    const h = new History(200);
    const query = { length: 4, stride: 2, minLag: 4, lagStep: 3 };
    const search = new NearestShape(query);
    for (let t = 0; t < 400; t++) {
      h.push(Math.round(rng.normal() * 3));
      const got = search.distance(h.data, h.latest, h.size);
      let best = Infinity;
      for (let lag = query.minLag; lag <= h.size - 1 - 6; lag += query.lagStep) {
        let sum = 0;
        for (let k = 0; k <= 6; k += 2) sum += (h.back(k) - h.back(lag + k)) ** 2;
        best = Math.min(best, sum);
      }
      expect(got).toBeCloseTo(Math.sqrt(best / 4), 12);
    }
  });

  it('matches a brute-force scan on a repeating series (exact repeats end the scan early)', () => {
    const h = new History(120);
    const query = { length: 3, stride: 1, minLag: 3, lagStep: 1 };
    const search = new NearestShape(query);
    for (let t = 0; t < 300; t++) {
      // A cycle of 7, a level shift at 150, a one-off spike at 220: zero and non-zero distances.
      h.push((t % 7) + (t >= 150 ? 40 : 0) + (t === 220 ? 500 : 0));
      const got = search.distance(h.data, h.latest, h.size);
      let best = Infinity;
      for (let lag = query.minLag; lag <= h.size - 1 - 2; lag++) {
        let sum = 0;
        for (let k = 0; k <= 2; k++) sum += (h.back(k) - h.back(lag + k)) ** 2;
        best = Math.min(best, sum);
      }
      expect(got).toBe(Math.sqrt(best / 3));
    }
  });
});

describe('SurpriseMeter', () => {
  const settings = { averageOver: 3, memory: 100, warmup: 20, clip: 3 };

  it('says nothing while warming up or on a steady error, a lot on a sustained jump', () => {
    const m = new SurpriseMeter(settings);
    for (let t = 0; t < 20; t++) expect(m.update(1)).toBe(0);
    expect(m.update(1)).toBeCloseTo(Math.log(2), 6); // z = 0 → p = 1/2
    const rng = new SeededRng(2);
    for (let t = 0; t < 300; t++) m.update(rng.normal());
    m.update(6);
    m.update(6);
    expect(m.update(6)).toBeGreaterThan(10); // about 16 nats, far above the alert at 4.5
  });

  it('clips what it learns, so a first anomaly does not hide the next', () => {
    const run = (clip: number): number => {
      const m = new SurpriseMeter({ ...settings, clip });
      const rng = new SeededRng(4);
      for (let t = 0; t < 300; t++) m.update(rng.normal());
      for (let t = 0; t < 5; t++) m.update(30); // first anomaly
      for (let t = 0; t < 30; t++) m.update(rng.normal());
      let s = 0;
      for (let t = 0; t < 3; t++) s = m.update(5); // second one
      return s;
    };
    expect(run(3)).toBeGreaterThan(run(100) + 5);
  });
});

describe('EpisodeGate', () => {
  it('damps scores for the quiet period after an alert, then re-arms', () => {
    const g = new EpisodeGate(3, 0.1, 0);
    expect(g.pass(0.2)).toBe(0.2);
    expect(g.pass(0.9)).toBe(0.9);
    expect([g.pass(0.9), g.pass(0.8), g.pass(0.7)].map((x) => +x.toFixed(2))).toEqual([0.09, 0.08, 0.07]);
    expect(g.pass(0.6)).toBe(0.6);
  });

  it('lets new evidence through after the refractory period, not within it', () => {
    const g = new EpisodeGate(10, 0.1, 2);
    g.pass(ALERT_LEVEL);
    expect(g.force(0.99)).toBeCloseTo(0.099, 9); // 1 point after the alert: same episode
    g.pass(0);
    expect(g.force(0.99)).toBe(0.99); // 3 points after: a new episode, which starts a new quiet period
    expect(g.pass(0.9)).toBeCloseTo(0.09, 9);
  });
});

describe('RangeNovelty and normalTail', () => {
  it('flags only values beyond the widened range seen so far', () => {
    const r = new RangeNovelty(0.1);
    for (const v of [0, 10, 5]) r.update(v);
    expect(r.range).toBe(10);
    expect(r.update(10.5)).toBe(false); // within 10 + 0.1 · 10
    expect(r.update(12)).toBe(true);
    expect(r.update(-1.1)).toBe(false);
    expect(new RangeNovelty(0).update(1e9)).toBe(false);
  });

  it('gives the standard normal upper tail, accurate far out', () => {
    expect(normalTail(0)).toBeCloseTo(0.5, 7);
    expect(normalTail(1.959964)).toBeCloseTo(0.025, 7);
    expect(normalTail(-1.959964)).toBeCloseTo(0.975, 7);
    expect(normalTail(5) / 2.8665157e-7).toBeCloseTo(1, 5);
    expect(normalTail(10) / 7.619853e-24).toBeCloseTo(1, 5);
  });
});
