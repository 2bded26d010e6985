// Ours with `compat: 'xgboost'` against XGBoost 1.7 (or with `compat: 'sklearn'` against scikit-learn
// 1.2's HistGradientBoostingClassifier, `--reference hgb`) tree by tree, on the sets of bench/gbdt.ts
// (same settings): per set, how many of the 100 trees are the same (split features, cuts, default
// directions, leaf values to 1e-6; for HistGradientBoosting the cuts exactly), the first that differs,
// the largest difference of the raw test scores, and the test ROC-AUC of both (and of ours with the
// defaults). Prints one markdown table (progress on stderr).
//
//   npx tsx bench/gbdt_trees.ts [--reference xgboost|hgb] [--data DIR] [--out DIR] [--only NAME] [--params JSON]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labelledData, readCsvFile } from '../src/cli/csv.js';
import { belowFloat32 } from '../src/ml/gbdt/bin-mapper.js';
import { predict, predictRaw, trainGbdt, type GbdtModel } from '../src/ml/gbdt/index.js';
import type { Tree } from '../src/ml/gbdt/tree.js';
import { rocAuc } from '../src/ml/metrics/index.js';
import { SeededRng } from '../src/shared/index.js';
import { BENCH_DIR, SET_OPTIONS, benchParams, prepareSets, type PreparedSet } from './gbdt_data.js';

const { values } = parseArgs({
  options: { ...SET_OPTIONS, reference: { type: 'string', default: 'xgboost' } },
});
const PARAMS = benchParams(values.params);
const HGB = values.reference === 'hgb';
if (!HGB && values.reference !== 'xgboost')
  throw new Error(`--reference: xgboost or hgb, got ${values.reference}`);
const REF_NAME = HGB ? 'HistGradientBoosting' : 'XGBoost';

/** A node of XGBoost's JSON dump: a split with two children (yes = below the cut), or a leaf. */
interface XgbNode {
  nodeid: number;
  split?: string;
  split_condition?: number;
  yes?: number;
  missing?: number;
  children?: XgbNode[];
  leaf?: number;
}
/** A HistGradientBoosting node: feature, threshold (null = +inf), missing left, left, right, leaf, value. */
type HgbNode = [number, number | null, number, number, number, number, number];
interface Reference {
  name: string;
  trees: XgbNode[] | HgbNode[][];
  margins: number[];
  auc: number;
}

/**
 * Whether our tree is HistGradientBoosting's: same splits (feature, threshold exactly — its +inf as
 * our Number.MAX_VALUE —, missing side) and leaves within 1e-6.
 */
function sameHgbTree(ours: Tree, nodes: HgbNode[], at = 0, node = 0): boolean {
  const [feature, threshold, missingLeft, left, right, isLeaf, value] = nodes[node];
  if (isLeaf === 1) {
    const leaf = ours.numLeaves === 1 ? 0 : at < 0 ? ~at : -1;
    return leaf >= 0 && Math.abs(ours.leafValue[leaf] - value) <= 1e-6;
  }
  if (ours.numLeaves === 1 || at < 0) return false;
  return (
    ours.splitFeature[at] === feature &&
    ours.threshold[at] === (threshold ?? Number.MAX_VALUE) &&
    ours.defaultLeft[at] === missingLeft &&
    sameHgbTree(ours, nodes, ours.leftChild[at], left) &&
    sameHgbTree(ours, nodes, ours.rightChild[at], right)
  );
}

/** Whether our tree is XGBoost's: same splits (feature, cut, missing side) and leaves within 1e-6. */
function sameTree(ours: Tree, node: XgbNode, at = 0): boolean {
  if (node.leaf !== undefined) {
    const leaf = ours.numLeaves === 1 ? 0 : at < 0 ? ~at : -1;
    return leaf >= 0 && Math.abs(ours.leafValue[leaf] - node.leaf) <= 1e-6;
  }
  if (ours.numLeaves === 1 || at < 0 || !node.children || node.split_condition === undefined) return false;
  const [yes, no] = node.children[0].nodeid === node.yes ? node.children : [...node.children].reverse();
  return (
    `f${ours.splitFeature[at]}` === node.split &&
    ours.threshold[at] === belowFloat32(Math.fround(node.split_condition)) &&
    (ours.defaultLeft[at] === 1) === (node.missing === node.yes) &&
    sameTree(ours, yes, ours.leftChild[at]) &&
    sameTree(ours, no, ours.rightChild[at])
  );
}

function runReference(set: PreparedSet): Reference {
  const manifest = join(values.out, `${set.name}.trees-manifest.json`);
  writeFileSync(manifest, JSON.stringify([set]));
  const out = execFileSync(
    '/usr/bin/python3',
    [join(BENCH_DIR, 'gbdt_trees_reference.py'), '--manifest', manifest, '--model', HGB ? 'hgb' : 'xgboost'],
    {
      encoding: 'utf8',
      cwd: BENCH_DIR,
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 28,
    },
  );
  return JSON.parse(out) as Reference;
}

const rows: string[][] = [];
for (const set of prepareSets(values.data, values.out, values.only)) {
  process.stderr.write(`${set.name}: ours… `);
  const train = labelledData(await readCsvFile(set.train), set.label);
  const test = labelledData(await readCsvFile(set.test), set.label);
  const fit = (params: Record<string, unknown>): GbdtModel =>
    trainGbdt(train, { rng: new SeededRng(0), params: { ...PARAMS, ...params } });
  const auc = (model: GbdtModel): number => {
    const p = new Float64Array(test.x.rows);
    predict(model, test.x, p);
    return rocAuc(test.y, p);
  };
  const compat = fit({ compat: HGB ? 'sklearn' : 'xgboost' });
  const raw = new Float64Array(test.x.rows);
  predictRaw(compat, test.x, raw);
  process.stderr.write(`${REF_NAME}…\n`);
  const ref = runReference(set);
  const same = ref.trees.map(
    (t, k) =>
      k < compat.trees.length &&
      (HGB ? sameHgbTree(compat.trees[k], t as HgbNode[]) : sameTree(compat.trees[k], t as XgbNode)),
  );
  const firstDiff = same.indexOf(false);
  let maxDiff = 0;
  ref.margins.forEach((m, i) => (maxDiff = Math.max(maxDiff, Math.abs(m - raw[i]))));
  rows.push([
    set.name,
    `${train.x.rows}`,
    `${same.filter(Boolean).length} / ${ref.trees.length}`,
    firstDiff < 0 ? '–' : `${firstDiff}`,
    maxDiff.toExponential(1),
    auc(compat).toFixed(4),
    ref.auc.toFixed(4),
    auc(fit({})).toFixed(4),
  ]);
}
const header = [
  'data set',
  'train rows',
  `trees the same as ${REF_NAME}’s`,
  'first differing tree',
  'max |Δ raw score|, test',
  'AUC ours compat',
  `AUC ${REF_NAME}`,
  'AUC ours default',
];
console.log(
  `Settings: ours ${JSON.stringify(PARAMS)} with compat '${HGB ? 'sklearn' : 'xgboost'}'; ${REF_NAME} as in bench/gbdt.ts.\n`,
);
console.log(
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n'),
);
