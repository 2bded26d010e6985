import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildLayout,
  evaluateCorpus,
  optimizeThreshold,
  parseNabTimestamp,
  parseProfiles,
  parseWindows,
  probationLength,
  scaledSigmoid,
  scoreFile,
  type CostProfile,
  type ScoredSeries,
} from './index.js';

// A hand-made two-file corpus (test/fixtures/nab). File a: 40 rows, probation ⌊0.15·40⌋ = 6, one
// window on rows 20–24 (width 5); detections (score 1) at rows 3 (in probation), 10 (before any
// window), 22, 23 (in the window) and 27 (after it); score 0.4 at rows 20 and 25.
// File b: 20 rows, probation 3, one window on rows 10–13, nothing ≥ 0.4 anywhere.
const FIXTURE = new URL('../../../test/fixtures/nab/', import.meta.url);

function readResults(name: string): { timestamps: string[]; scores: number[] } {
  const lines = readFileSync(new URL(`results/handmade/demo/handmade_${name}.csv`, FIXTURE), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  return {
    timestamps: lines.map((l) => l.split(',')[0]),
    scores: lines.map((l) => Number(l.split(',')[2])),
  };
}

const windows = parseWindows(JSON.parse(readFileSync(new URL('labels.json', FIXTURE), 'utf8')));
const profiles = parseProfiles(JSON.parse(readFileSync(new URL('profiles.json', FIXTURE), 'utf8')));
const [standard, lowFp, lowFn] = profiles;
const series: ScoredSeries[] = ['a', 'b'].map((name) => ({
  name: `demo/${name}.csv`,
  ...readResults(name),
  windows: windows.get(`demo/${name}.csv`) ?? [],
}));
const a = series[0];

// Hand-computed weights: σ(x) = 2/(1+e^(5x)) − 1.
// Row 22 in window [20, 24]: pos = −(24−22+1)/5 = −0.6 → σ(−0.6)/σ(−1) = 0.905148/0.986614 = 0.917429.
const TP_ROW_22 = 0.917429;
// Row 27, after the window: |24−27|/(5−1) = 0.75 → σ(0.75) = −0.954045.
const FP_ROW_27 = -0.954045;
// Row 25: |24−25|/4 = 0.25 → σ(0.25) = −0.554600.
const FP_ROW_25 = -0.5546;

describe('NAB primitives', () => {
  it('scaled sigmoid: 0 at 0, ≈ ±1 far out, −1 beyond 3', () => {
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(-1)).toBeCloseTo(0.986614, 6);
    expect(scaledSigmoid(0.5)).toBeCloseTo(-0.848284, 6);
    expect(scaledSigmoid(3.01)).toBe(-1);
  });

  it('probation is 15% of the rows, capped at 750', () => {
    expect(probationLength(40)).toBe(6);
    expect(probationLength(4032)).toBe(604);
    expect(probationLength(20000)).toBe(750);
  });

  it('reads label timestamps with their .000000 suffix like data timestamps', () => {
    expect(parseNabTimestamp('2014-04-10 07:15:00.000000')).toBe(parseNabTimestamp('2014-04-10 07:15:00'));
    expect(() => parseNabTimestamp('10/04/2014')).toThrow(/not a NAB timestamp/);
  });

  it('lays out rows: window ids, TP weights falling to the right, FP weights after a window', () => {
    const layout = buildLayout(a.timestamps, a.windows);
    expect(layout.probation).toBe(6);
    expect(layout.windows).toBe(1);
    expect(Array.from(layout.window.slice(19, 26))).toEqual([-1, 0, 0, 0, 0, 0, -1]);
    expect(layout.weight[20]).toBeCloseTo(1, 12); // the earliest row gets exactly tpWeight
    expect(layout.weight[22]).toBeCloseTo(TP_ROW_22, 6);
    expect(layout.weight[10]).toBe(-1); // no window has ended yet
    expect(layout.weight[27]).toBeCloseTo(FP_ROW_27, 6);
  });

  it('refuses malformed profiles and labels, naming the field', () => {
    expect(() => parseProfiles({ x: { CostMatrix: { tpWeight: 1, fnWeight: 1 } } })).toThrow(
      expect.objectContaining({ field: 'profiles.x.CostMatrix.fpWeight' }),
    );
    expect(() => parseWindows({ 'c/s.csv': [['2020-01-01 00:00:00']] })).toThrow(
      expect.objectContaining({ field: 'labels.c/s.csv.0' }),
    );
  });
});

describe('NAB scoring of the hand-made fixture', () => {
  const layoutA = buildLayout(a.timestamps, a.windows);

  it('file a at threshold 1: first detection in the window counts, FPs weighted by position', () => {
    const r = scoreFile(layoutA, a.scores, 1, standard);
    // 0.917429 − 0.11 (row 10) + 0.11 · (−0.954045) (row 27) = 0.702484
    expect(r.score).toBeCloseTo(TP_ROW_22 - 0.11 + 0.11 * FP_ROW_27, 5);
    expect(r.score).toBeCloseTo(0.702484, 5);
    expect(r).toMatchObject({ tp: 2, fp: 2, fn: 3, tn: 27 });
  });

  it('file a at threshold 0.4: the window is worth 1 (its first row) and row 25 is one more FP', () => {
    const r = scoreFile(layoutA, a.scores, 0.4, standard);
    expect(r.score).toBeCloseTo(1 - 0.11 + 0.11 * FP_ROW_27 + 0.11 * FP_ROW_25, 5); // 0.724049
    expect(r).toMatchObject({ tp: 3, fp: 3, fn: 2 });
    // A missed window costs fnWeight: 2 under reward_low_FN_rate.
    const b = buildLayout(series[1].timestamps, series[1].windows);
    expect(scoreFile(b, series[1].scores, 0.4, lowFn)).toMatchObject({ score: -2, tp: 0, fp: 0, fn: 4 });
  });

  it('optimises the threshold per profile over the distinct scores', () => {
    const files = series.map((s) => ({ layout: buildLayout(s.timestamps, s.windows), scores: s.scores }));
    // Standard: 0.4 gains 1 − 0.917429 = 0.0826 on the window and loses 0.11 · 0.5546 = 0.0610.
    expect(optimizeThreshold(files, standard)).toMatchObject({ threshold: 0.4 });
    expect(optimizeThreshold(files, standard).raw).toBeCloseTo(-0.275951, 5);
    // Low FP: the same FP costs 0.22 · 0.5546 = 0.1220 > 0.0826, so 1 is best.
    expect(optimizeThreshold(files, lowFp)).toMatchObject({ threshold: 1 });
  });

  it('normalises over the files scored: null = −fnWeight·windows, perfect = tpWeight·windows', () => {
    const report = evaluateCorpus(series, profiles);
    expect(report.files).toBe(2);
    expect(report.windows).toBe(2);
    const byName = Object.fromEntries(report.profiles.map((p) => [p.profile, p]));
    // 100 · (−0.275951 + 2) / (2 + 2)
    expect(byName.standard.score).toBeCloseTo(43.1012, 3);
    expect(byName.reward_low_FP_rate.score).toBeCloseTo(37.1885, 3);
    expect(byName.reward_low_FN_rate.score).toBeCloseTo(45.4008, 3);
    expect(report.perFile).toHaveLength(6);
  });

  it('a fixed threshold scores every profile there; the null detector scores 0', () => {
    const fixed = evaluateCorpus(series, [standard], { fixedThreshold: 1 });
    expect(fixed.profiles[0].threshold).toBe(1);
    expect(fixed.profiles[0].score).toBeCloseTo(42.5621, 3);
    const silent = series.map((s) => ({ ...s, scores: Array.from(s.scores, () => 0) }));
    expect(evaluateCorpus(silent, [standard], { fixedThreshold: 0.5 }).profiles[0].score).toBe(0);
  });

  it('refuses scores that do not match the rows, or that are not numbers', () => {
    const profile: CostProfile = standard;
    expect(() => evaluateCorpus([{ ...a, scores: [0.1] }], [profile])).toThrow(/1 scores for 40 rows/);
    expect(() => evaluateCorpus([{ ...a, scores: Array.from(a.scores, () => NaN) }], [profile])).toThrow(
      /not a number/,
    );
  });
});
