import { artifactCheck, decodeArtifact, encodeArtifact } from '../ml/index.js';
import {
  decodeIsolationForest,
  encodeIsolationForest,
  IsolationForest,
  type IsolationForestInput,
} from '../ml/iforest/index.js';
import type { Rng } from '../shared/index.js';
import { ValidationError } from '../shared/index.js';
import { computeBaseline, effectiveZ, statsAt, type Baseline } from './baseline.js';
import type { Tolerances } from './feedback.js';
import { CORE_FEATURES, FEATURE_NAMES, FEATURES, hourOfRow } from './features.js';
import { quantile, rawScore, Z_LIMIT, type Calibration } from './scoring.js';

/** Model type in the artifact envelope. */
export const ANOMALY_MODEL = 'anomaly_hybrid';
/** Share of training runs expected to be anomalous, unless configured otherwise. */
export const DEFAULT_CONTAMINATION = 0.05;
/** Fewest rows a model can be trained on (a tree needs two). */
export const MIN_TRAINING_ROWS = 2;

/** A trained hybrid model: the forest over the chosen features, the training baseline and calibration. */
export interface AnomalyModel {
  forest: IsolationForest;
  /** Indices into FEATURES of the forest's columns. */
  features: readonly number[];
  baseline: Baseline;
  calibration: Calibration;
  contamination: number;
  /** What feedback on false alarms widened, per pipeline (see feedback.ts); {} without feedback. */
  tolerances: Tolerances;
  /** Per pipeline, the raw score the forest's verdict must exceed (feedback.ts); {} without feedback. */
  forestBars: Record<string, number>;
}

export interface TrainOptions {
  contamination?: number;
  /**
   * The baseline detection will judge row `r` against (its pipeline's), so calibration sees the
   * same z-scores; null or absent: the training baseline.
   */
  baselineOf?: (row: number) => Baseline | null;
  forest?: Omit<IsolationForestInput, 'contamination'>;
}

/**
 * Trains on feature vectors (NaN = unknown): picks the features the data carries, fits the forest
 * on median-imputed rows, and calibrates the hybrid score so the training rows' alert rate at 0.5
 * is the contamination.
 */
export function trainAnomalyModel(
  rows: readonly Float64Array[],
  rng: Rng,
  options: TrainOptions = {},
): AnomalyModel {
  if (rows.length < MIN_TRAINING_ROWS) {
    throw new ValidationError(
      'body',
      `at least ${MIN_TRAINING_ROWS} records are needed to train, got ${rows.length}`,
    );
  }
  const contamination = options.contamination ?? DEFAULT_CONTAMINATION;
  if (!(contamination > 0 && contamination <= 0.5)) {
    throw new ValidationError('contamination', `contamination must be in (0, 0.5], got ${contamination}`);
  }
  const baseline = computeBaseline(rows);
  const features = chooseFeatures(rows);
  const x = imputedMatrix(rows, features, baseline);
  const forest = IsolationForest.fit(
    x,
    rng,
    { ...options.forest, contamination: 'auto' },
    features.map((f) => FEATURE_NAMES[f]),
  );
  const forestScores = forest.scoreSamples(x);
  const z = rows.map((row, r) => maxAbsZ(row, features, options.baselineOf?.(r) ?? baseline, hourOfRow(row)));
  const raw = rows.map((_, r) => rawScore(-forestScores[r], z[r]));
  const calibration = {
    threshold: thresholdFor(raw, z, contamination),
    median: quantile(raw, 0.5),
    forestMedian: -quantile(forestScores, 0.5),
  };
  return { forest, features, baseline, calibration, contamination, tolerances: {}, forestBars: {} };
}

/**
 * The raw-score threshold at which the training rows' alert rate is the contamination: rows with a
 * feature at |z| ≥ 3 alert anyway, so the forest's share is what remains of the budget.
 */
function thresholdFor(raw: readonly number[], z: readonly number[], contamination: number): number {
  const rest = raw.filter((_, r) => z[r] < Z_LIMIT);
  const budget = contamination * raw.length - (raw.length - rest.length);
  const max = (v: readonly number[]) => v.reduce((a, b) => Math.max(a, b), -Infinity);
  if (rest.length === 0) return max(raw);
  // Budget spent by the z-alerts: only a row beyond every training row still alerts on the forest.
  if (budget <= 0) return max(rest) + 1e-9;
  return quantile(rest, 1 - Math.min(1, budget / rest.length));
}

// Extra features join the model only when most rows carry them; a column of unknowns isolates nothing.
function chooseFeatures(rows: readonly Float64Array[]): number[] {
  const chosen = Array.from({ length: CORE_FEATURES }, (_, i) => i);
  for (let f = CORE_FEATURES; f < FEATURES.length; f++) {
    const known = rows.filter((r) => Number.isFinite(r[f]) && r[f] !== 0).length;
    if (known * 2 >= rows.length) chosen.push(f);
  }
  return chosen;
}

/** The strongest z evidence (see effectiveZ) over the model's features against `baseline` at `hour`. */
export function maxAbsZ(
  row: Float64Array,
  features: readonly number[],
  baseline: Baseline,
  hour: number | null,
): number {
  let m = 0;
  for (const f of features) m = Math.max(m, effectiveZ(statsAt(baseline, f, hour), f, row[f]));
  return m;
}

/** Rows as the forest's matrix: chosen columns, unknowns replaced by the baseline median (else 0). */
export function imputedMatrix(
  rows: readonly Float64Array[],
  features: readonly number[],
  baseline: Baseline,
) {
  const cols = features.length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, r) => {
    features.forEach((f, c) => {
      const v = row[f];
      data[r * cols + c] = Number.isFinite(v) ? v : (baseline.features[f]?.median ?? 0);
    });
  });
  return { data, rows: rows.length, cols };
}

interface Body {
  forest: unknown;
  features: string[];
  baseline: Baseline;
  calibration: Calibration;
  contamination: number;
  tolerances?: Tolerances;
  forestBars?: Record<string, number>;
}

/** Serialises the model into the artifact envelope (the forest nested as its own artifact). */
export function encodeAnomalyModel(m: AnomalyModel): string {
  const body: Body = {
    forest: JSON.parse(encodeIsolationForest(m.forest)) as unknown,
    features: m.features.map((f) => FEATURE_NAMES[f]),
    baseline: m.baseline,
    calibration: m.calibration,
    contamination: m.contamination,
    tolerances: m.tolerances,
    forestBars: m.forestBars,
  };
  return encodeArtifact(ANOMALY_MODEL, { contamination: m.contamination }, body.features, body);
}

/** Loads a model; anything corrupt or foreign is refused with MODEL_INVALID. */
export function decodeAnomalyModel(text: string): AnomalyModel {
  const artifact = decodeArtifact(text, ANOMALY_MODEL);
  const body = artifact.body as Partial<Body>;
  const check = (ok: unknown, why: string): void => artifactCheck(ok, ANOMALY_MODEL, why);
  check(typeof body === 'object' && body !== null, 'body is not an object');
  check(Array.isArray(body.features), 'features missing');
  const features = (body.features ?? []).map((n) =>
    FEATURE_NAMES.indexOf(n as (typeof FEATURE_NAMES)[number]),
  );
  check(
    features.every((f) => f >= 0),
    'unknown feature name',
  );
  const b = body.baseline;
  check(b && Array.isArray(b.features) && b.features.length <= FEATURES.length, 'baseline malformed');
  const c = body.calibration;
  check(
    c && Number.isFinite(c.threshold) && Number.isFinite(c.median) && Number.isFinite(c.forestMedian),
    'calibration malformed',
  );
  check(Number.isFinite(body.contamination), 'contamination malformed');
  const tolerances = body.tolerances ?? {};
  check(
    typeof tolerances === 'object' &&
      tolerances !== null &&
      Object.values(tolerances).every(
        (t) => typeof t === 'object' && t !== null && Object.values(t).every((v) => Number.isFinite(v)),
      ),
    'tolerances malformed',
  );
  const forestBars = body.forestBars ?? {};
  check(
    typeof forestBars === 'object' &&
      forestBars !== null &&
      Object.values(forestBars).every((v) => Number.isFinite(v)),
    'forestBars malformed',
  );
  return {
    forest: decodeIsolationForest(JSON.stringify(body.forest)),
    features,
    // Features are only ever appended: an older model knows nothing of the newer ones.
    baseline: {
      ...(b as Baseline),
      features: FEATURES.map((_, i) => (b as Baseline).features[i] ?? null),
      seasons: FEATURES.map((_, i) => (b as Baseline).seasons?.[i] ?? null),
    },
    calibration: c as Calibration,
    contamination: body.contamination as number,
    tolerances,
    forestBars,
  };
}

/** The forest's anomaly score of one feature vector (higher: easier to isolate). */
export function forestScoreOf(model: AnomalyModel, row: Float64Array): number {
  return -model.forest.scoreSamples(imputedMatrix([row], model.features, model.baseline))[0];
}
