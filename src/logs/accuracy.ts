/**
 * Grouping accuracy as Loghub defines it: a line counts as correct only when the set of lines in its
 * parsed group equals the set of lines in its true group; the result is correct lines / all lines.
 * `truth[i]` and `parsed[i]` are the true and parsed group labels of line i.
 */
export function groupingAccuracy(truth: readonly string[], parsed: readonly string[]): number {
  if (truth.length !== parsed.length) {
    throw new RangeError(`groupingAccuracy: ${truth.length} true labels but ${parsed.length} parsed`);
  }
  if (truth.length === 0) return 1;
  // A parsed group equals a true group exactly when all its lines share that true label and the
  // two groups have the same size: counting sizes and overlaps avoids building the sets.
  const truthSize = countBy(truth);
  const overlap = new Map<string, Map<string, number>>();
  for (let i = 0; i < truth.length; i++) {
    let row = overlap.get(parsed[i]);
    if (row === undefined) overlap.set(parsed[i], (row = new Map()));
    row.set(truth[i], (row.get(truth[i]) ?? 0) + 1);
  }
  let correct = 0;
  for (const row of overlap.values()) {
    if (row.size !== 1) continue;
    const [label, n] = row.entries().next().value as [string, number];
    if (truthSize.get(label) === n) correct += n;
  }
  return correct / truth.length;
}

function countBy(labels: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of labels) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}
