/**
 * Which training rows sit in which leaf: one index array, each leaf a contiguous range of it
 * (LightGBM's data partition). Splitting a leaf reorders its range in place, left rows first.
 */
export class DataPartition {
  /** Row ids; leaf l owns `indices[begin[l] … begin[l] + count[l])`. */
  readonly indices: Int32Array;
  readonly begin: Int32Array;
  readonly count: Int32Array;
  private readonly scratch: Int32Array;

  constructor(numRows: number, maxLeaves: number) {
    this.indices = new Int32Array(numRows);
    this.scratch = new Int32Array(numRows);
    this.begin = new Int32Array(maxLeaves);
    this.count = new Int32Array(maxLeaves);
  }

  /** Puts the given rows (all rows 0 … size−1 when `rows` is null) into leaf 0. */
  reset(rows: Int32Array | null, size: number): void {
    if (rows === null) for (let i = 0; i < size; i++) this.indices[i] = i;
    else this.indices.set(rows.subarray(0, size));
    this.begin[0] = 0;
    this.count[0] = size;
  }

  /**
   * Splits `leaf`: rows whose bin of `feature` is ≤ `thresholdBin` (or missing, when `defaultLeft`)
   * stay in `leaf`, the others move to `newLeaf`. Keeps row order within each side. Returns the
   * left count.
   */
  split(
    leaf: number,
    newLeaf: number,
    bins: Uint8Array,
    numRows: number,
    feature: number,
    thresholdBin: number,
    missingBin: number,
    defaultLeft: boolean,
  ): number {
    const idx = this.indices;
    const tmp = this.scratch;
    const start = this.begin[leaf];
    const end = start + this.count[leaf];
    const col = feature * numRows;
    const missingLeft = defaultLeft ? 1 : 0;
    let left = start;
    let right = 0;
    // Branch-free: the side is data-dependent, so a branch would mispredict about half the time.
    for (let i = start; i < end; i++) {
      const r = idx[i];
      const b = bins[col + r];
      const isMissing = ((b ^ missingBin) - 1) >>> 31;
      const goLeft = (((thresholdBin - b) >>> 31) ^ 1) | (isMissing & missingLeft);
      idx[left] = r;
      tmp[right] = r;
      left += goLeft;
      right += goLeft ^ 1;
    }
    idx.set(tmp.subarray(0, right), left);
    const leftCount = left - start;
    this.count[leaf] = leftCount;
    this.begin[newLeaf] = left;
    this.count[newLeaf] = right;
    return leftCount;
  }
}
