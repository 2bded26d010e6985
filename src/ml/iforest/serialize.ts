import { AppError } from '../../shared/index.js';
import { artifactCheck, decodeArtifact, encodeArtifact } from '../artifact.js';
import type { ForestNodes } from './forest.js';
import { IsolationForest } from './model.js';
import {
  resolveIsolationForestParams,
  type IsolationForestInput,
  type IsolationForestParams,
} from './params.js';

/** Model type written into the artifact envelope. */
export const ISOLATION_FOREST_MODEL = 'isolation_forest';

/** The artifact body: scalars and the flat node arrays as plain JSON numbers. */
interface Body {
  sample_size: number;
  offset: number;
  tree_start: number[];
  feature: number[];
  threshold: number[];
  left: number[];
  node_size: number[];
}

/** Serialises a fitted forest to versioned JSON; decodeIsolationForest gives back identical scores. */
export function encodeIsolationForest(model: IsolationForest): string {
  const n = model.nodes;
  const body: Body = {
    sample_size: model.sampleSize,
    offset: model.offset,
    tree_start: Array.from(n.treeStart),
    feature: Array.from(n.feature),
    threshold: Array.from(n.threshold),
    left: Array.from(n.left),
    node_size: Array.from(n.nodeSize),
  };
  return encodeArtifact(ISOLATION_FOREST_MODEL, { ...model.params }, model.featureNames, body);
}

/**
 * Loads a forest, checking the envelope, the hyperparameters and that the nodes form valid trees;
 * anything corrupt or foreign is refused with MODEL_INVALID saying what is wrong.
 */
export function decodeIsolationForest(text: string | Uint8Array): IsolationForest {
  const artifact = decodeArtifact(text, ISOLATION_FOREST_MODEL);
  const params = loadParams(artifact.hyperparameters);
  const body = artifact.body as Partial<Body>;
  check(typeof body === 'object' && body !== null, 'body is not an object');
  check(
    Number.isInteger(body.sample_size) && (body.sample_size as number) >= 2,
    'sample_size must be a whole number ≥ 2',
  );
  check(Number.isFinite(body.offset), 'offset must be a finite number');
  const nFeatures = artifact.feature_names.length;
  check(nFeatures >= 1, 'feature_names is empty');
  const nodes: ForestNodes = {
    treeStart: intArray(body.tree_start, 'tree_start'),
    feature: intArray(body.feature, 'feature'),
    threshold: floatArray(body.threshold, 'threshold'),
    left: intArray(body.left, 'left'),
    nodeSize: intArray(body.node_size, 'node_size'),
  };
  checkTrees(nodes, nFeatures, params.n_estimators);
  return IsolationForest.fromParts({
    params,
    featureNames: artifact.feature_names,
    sampleSize: body.sample_size as number,
    offset: body.offset as number,
    nodes,
  });
}

function check(condition: unknown, why: string): asserts condition {
  artifactCheck(condition, ISOLATION_FOREST_MODEL, why);
}

function loadParams(hyperparameters: Record<string, unknown>): IsolationForestParams {
  try {
    return resolveIsolationForestParams(hyperparameters as IsolationForestInput);
  } catch (err) {
    const why = err instanceof AppError ? err.message : 'unreadable hyperparameters';
    throw new AppError('MODEL_INVALID', `cannot load ${ISOLATION_FOREST_MODEL} artifact: ${why}`, {
      cause: err,
    });
  }
}

function intArray(value: unknown, name: string): Int32Array {
  check(
    Array.isArray(value) && value.every((v) => Number.isInteger(v) && Math.abs(v) < 2 ** 31),
    `${name} must be a list of whole numbers`,
  );
  return Int32Array.from(value as number[]);
}

function floatArray(value: unknown, name: string): Float64Array {
  check(
    Array.isArray(value) && value.every((v) => Number.isFinite(v)),
    `${name} must be a list of finite numbers`,
  );
  return Float64Array.from(value as number[]);
}

/** Every tree must be a proper binary tree whose children follow their parent, so scoring ends. */
function checkTrees(nodes: ForestNodes, nFeatures: number, trees: number): void {
  const { treeStart, feature, threshold, left, nodeSize } = nodes;
  const n = feature.length;
  check(threshold.length === n && left.length === n && nodeSize.length === n, 'node arrays differ in length');
  check(treeStart.length === trees + 1, `tree_start must list ${trees} trees plus the end`);
  check(treeStart[0] === 0 && treeStart[trees] === n, 'tree_start must run from 0 to the node count');
  const parents = new Int32Array(n);
  for (let t = 0; t < trees; t++) {
    const start = treeStart[t];
    const end = treeStart[t + 1];
    check(end > start, `tree ${t} has no nodes`);
    for (let k = start; k < end; k++) {
      check(nodeSize[k] >= 1, `node ${k} has size ${nodeSize[k]}`);
      if (left[k] === -1) {
        check(feature[k] === -1, `leaf ${k} names a feature`);
        continue;
      }
      check(
        feature[k] >= 0 && feature[k] < nFeatures,
        `node ${k} tests feature ${feature[k]} of ${nFeatures}`,
      );
      check(left[k] > k && left[k] + 1 < end, `node ${k} has children outside its tree`);
      parents[left[k]]++;
      parents[left[k] + 1]++;
    }
    for (let k = start + 1; k < end; k++) check(parents[k] === 1, `node ${k} has ${parents[k]} parents`);
  }
}
