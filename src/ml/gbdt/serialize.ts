import { AppError } from '../../shared/index.js';
import { artifactCheck, decodeArtifact, encodeArtifact } from '../artifact.js';
import type { GbdtModel } from './model.js';
import { resolveGbdtParams } from './params.js';
import type { Tree } from './tree.js';

/** The model type written into and expected from artifacts. */
export const GBDT_MODEL = 'gbdt';

interface TreeBody {
  num_leaves: number;
  split_feature: number[];
  threshold: number[];
  default_left: number[];
  left_child: number[];
  right_child: number[];
  split_gain: number[];
  internal_cover: number[];
  leaf_value: number[];
  leaf_cover: number[];
}

interface GbdtBody {
  num_features: number;
  base_score: number;
  trees: TreeBody[];
}

/** Serialises the model into the versioned JSON artifact; `loadGbdt` gives back identical predictions. */
export function saveGbdt(model: GbdtModel): string {
  const body: GbdtBody = {
    num_features: model.numFeatures,
    base_score: model.baseScore,
    trees: model.trees.map((t) => ({
      num_leaves: t.numLeaves,
      split_feature: Array.from(t.splitFeature),
      threshold: Array.from(t.threshold),
      default_left: Array.from(t.defaultLeft),
      left_child: Array.from(t.leftChild),
      right_child: Array.from(t.rightChild),
      split_gain: Array.from(t.splitGain),
      internal_cover: Array.from(t.internalCover),
      leaf_value: Array.from(t.leafValue),
      leaf_cover: Array.from(t.leafCover),
    })),
  };
  return encodeArtifact(GBDT_MODEL, { ...model.params }, model.featureNames, body);
}

/** Loads a model saved by `saveGbdt`; a corrupt or foreign artifact throws AppError MODEL_INVALID. */
export function loadGbdt(text: string | Uint8Array): GbdtModel {
  const artifact = decodeArtifact(text, GBDT_MODEL);
  let params;
  try {
    params = resolveGbdtParams(artifact.hyperparameters);
  } catch (err) {
    throw new AppError(
      'MODEL_INVALID',
      `cannot load gbdt artifact: bad hyperparameters (${errorMessage(err)})`,
      {
        cause: err,
      },
    );
  }
  const body = artifact.body as Partial<GbdtBody> | null;
  check(typeof body === 'object' && body !== null, 'body must be an object');
  const numFeatures = body.num_features;
  check(isWhole(numFeatures, 1), 'num_features must be a whole number ≥ 1');
  check(artifact.feature_names.length === numFeatures, 'feature_names does not match num_features');
  check(
    typeof body.base_score === 'number' && Number.isFinite(body.base_score),
    'base_score must be a finite number',
  );
  check(Array.isArray(body.trees), 'trees must be a list');
  const trees = body.trees.map((t, i) => readTree(t, i, numFeatures));
  return {
    params,
    featureNames: artifact.feature_names,
    numFeatures,
    baseScore: body.base_score,
    trees,
  };
}

function check(condition: unknown, why: string): asserts condition {
  artifactCheck(condition, GBDT_MODEL, why);
}

function isWhole(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function readTree(t: unknown, index: number, numFeatures: number): Tree {
  const where = `tree ${index}`;
  check(typeof t === 'object' && t !== null, `${where} must be an object`);
  const body = t as Partial<TreeBody>;
  const leaves = body.num_leaves;
  check(isWhole(leaves, 1), `${where}: num_leaves must be a whole number ≥ 1`);
  const nodes = leaves - 1;
  const nums = (key: keyof TreeBody, length: number): number[] => {
    const v = body[key];
    check(Array.isArray(v) && v.length === length, `${where}: ${key} must be a list of ${length} numbers`);
    check(
      v.every((n) => typeof n === 'number' && Number.isFinite(n)),
      `${where}: ${key} must hold finite numbers`,
    );
    return v;
  };
  const splitFeature = nums('split_feature', nodes);
  const defaultLeft = nums('default_left', nodes);
  const leftChild = nums('left_child', nodes);
  const rightChild = nums('right_child', nodes);
  const internalCover = nums('internal_cover', nodes);
  const leafCover = nums('leaf_cover', leaves);
  check(
    splitFeature.every((f) => Number.isInteger(f) && f >= 0 && f < numFeatures),
    `${where}: split_feature out of range`,
  );
  check(
    defaultLeft.every((d) => d === 0 || d === 1),
    `${where}: default_left must be 0 or 1`,
  );
  // Children after their parent means every path ends at a leaf (no cycles); each leaf is reached once.
  // A tree without splits is its one leaf, reached at the root.
  const seen = new Uint8Array(leaves);
  if (nodes === 0) seen[0] = 1;
  for (let i = 0; i < nodes; i++) {
    for (const c of [leftChild[i], rightChild[i]]) {
      check(Number.isInteger(c), `${where}: child indices must be whole numbers`);
      if (c >= 0) check(c > i && c < nodes, `${where}: node ${i} has child ${c} out of order`);
      else {
        check(~c < leaves && seen[~c] === 0, `${where}: node ${i} has bad leaf ${~c}`);
        seen[~c] = 1;
      }
    }
  }
  check(
    seen.every((s) => s === 1),
    `${where}: some leaf is never reached`,
  );
  check(
    internalCover.every((c) => c > 0) && leafCover.every((c) => c > 0),
    `${where}: covers must be positive`,
  );
  return {
    numLeaves: leaves,
    splitFeature: Int32Array.from(splitFeature),
    threshold: Float64Array.from(nums('threshold', nodes)),
    defaultLeft: Uint8Array.from(defaultLeft),
    leftChild: Int32Array.from(leftChild),
    rightChild: Int32Array.from(rightChild),
    splitGain: Float64Array.from(nums('split_gain', nodes)),
    internalCover: Float64Array.from(internalCover),
    leafValue: Float64Array.from(nums('leaf_value', leaves)),
    leafCover: Float64Array.from(leafCover),
  };
}
