import { AppError, toError } from '../shared/index.js';
import {
  artifactCheck,
  decodeArtifact,
  decodeIsotonic,
  decodePlatt,
  encodeArtifact,
  encodeIsotonic,
  encodePlatt,
  loadGbdt,
  saveGbdt,
} from '../ml/index.js';
import type {
  CalibrationChoice,
  FailureMetrics,
  FailureModel,
  FailureThreshold,
  FailureThresholds,
  TrainingSummary,
} from './failure-model.js';

/** The model type in the artifact envelope of a failure model. */
export const FAILURE_MODEL = 'failure_model';

interface FailureBody {
  /** The GBDT's and calibrator's own artifacts, nested as JSON objects. */
  gbdt: unknown;
  calibration: { method: CalibrationChoice['method']; artifact: unknown };
  thresholds: FailureThresholds;
  metrics: FailureMetrics;
  training: TrainingSummary;
}

/** Serialises a failure model into the ML core's versioned envelope. */
export function encodeFailureModel(model: FailureModel): string {
  const c = model.calibration;
  const calibrator =
    c.method === 'isotonic'
      ? encodeIsotonic(c.calibrator)
      : c.method === 'platt'
        ? encodePlatt(c.calibrator)
        : null;
  const body: FailureBody = {
    gbdt: JSON.parse(saveGbdt(model.gbdt)),
    calibration: { method: c.method, artifact: calibrator === null ? null : JSON.parse(calibrator) },
    thresholds: model.thresholds,
    metrics: model.metrics,
    training: model.training,
  };
  return encodeArtifact(FAILURE_MODEL, { ...model.gbdt.params }, model.featureNames, body);
}

function check(condition: unknown, why: string): asserts condition {
  artifactCheck(condition, FAILURE_MODEL, why);
}

/** Rethrows a nested loader's refusal as this artifact's, keeping the reason. */
function nested<T>(what: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    const e = toError(err);
    throw new AppError('MODEL_INVALID', `cannot load ${FAILURE_MODEL} artifact: ${what}: ${e.message}`, {
      cause: e,
    });
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumberOrNull = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isFinite(v));

function readThreshold(v: unknown, name: string): FailureThreshold {
  check(isObject(v), `thresholds.${name} must be an object`);
  check(isNumberOrNull(v.value), `thresholds.${name}.value must be a number or null`);
  check(
    ['target_precision', 'max_f1', 'default', 'unreachable'].includes(String(v.rule)),
    `thresholds.${name}.rule is unknown`,
  );
  check(isNumberOrNull(v.precision) && isNumberOrNull(v.recall), `thresholds.${name} precision/recall`);
  return v as unknown as FailureThreshold;
}

const METRIC_KEYS = [
  'roc_auc',
  'pr_auc',
  'precision_at_10',
  'brier',
  'brier_base_rate',
  'ece',
  'base_rate',
  'samples',
] as const;
const COUNT_KEYS = ['train_samples', 'calibration_samples', 'validation_samples', 'trees'] as const;

function readMetrics(v: unknown): FailureMetrics {
  check(isObject(v), 'metrics must be an object');
  for (const k of METRIC_KEYS) check(isNumberOrNull(v[k]), `metrics.${k} must be a number or null`);
  return v as unknown as FailureMetrics;
}

function readTraining(v: unknown, calibration: CalibrationChoice): TrainingSummary {
  check(isObject(v), 'training must be an object');
  check(v.split === 'time' || v.split === 'none', 'training.split must be time or none');
  for (const k of COUNT_KEYS) {
    check(Number.isInteger(v[k]) && (v[k] as number) >= 0, `training.${k} must be a whole number ≥ 0`);
  }
  check(Number.isFinite(v.trained_until), 'training.trained_until must be a finite number');
  check(v.calibration === calibration.method, 'training.calibration does not match the calibration');
  check(v.note === null || typeof v.note === 'string', 'training.note must be text or null');
  return v as unknown as TrainingSummary;
}

function readCalibration(v: unknown): CalibrationChoice {
  check(isObject(v), 'calibration must be an object');
  const text = JSON.stringify(v.artifact);
  if (v.method === 'isotonic')
    return { method: 'isotonic', calibrator: nested('calibration', () => decodeIsotonic(text)) };
  if (v.method === 'platt')
    return { method: 'platt', calibrator: nested('calibration', () => decodePlatt(text)) };
  check(v.method === 'none', `unknown calibration method ${JSON.stringify(v.method)}`);
  return { method: 'none' };
}

/**
 * Loads a failure model; a corrupt, foreign or inconsistent artifact is refused with AppError
 * MODEL_INVALID whose message says what is wrong.
 */
export function decodeFailureModel(text: string | Uint8Array): FailureModel {
  const artifact = decodeArtifact(text, FAILURE_MODEL);
  const body = artifact.body;
  check(isObject(body), 'body must be an object');
  const gbdt = nested('gbdt', () => loadGbdt(JSON.stringify(body.gbdt)));
  check(
    gbdt.featureNames.length === artifact.feature_names.length &&
      gbdt.featureNames.every((n, i) => n === artifact.feature_names[i]),
    'the GBDT reads other features than the envelope names',
  );
  const thresholds = body.thresholds;
  check(isObject(thresholds), 'thresholds must be an object');
  const calibration = readCalibration(body.calibration);
  return {
    gbdt,
    featureNames: artifact.feature_names,
    calibration,
    thresholds: {
      alert: readThreshold(thresholds.alert, 'alert'),
      act: readThreshold(thresholds.act, 'act'),
    },
    metrics: readMetrics(body.metrics),
    training: readTraining(body.training, calibration),
  };
}
