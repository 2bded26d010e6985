/**
 * The last `capacity` values of a series in a mirrored ring: every value is stored twice, `capacity`
 * apart, so any run of recent values is one contiguous slice and scans need no wrap-around checks.
 * Memory is fixed at construction.
 */
export class History {
  /** Backing store; the value `age` steps back sits at `data[latest - age]`. */
  readonly data: Float64Array;
  private head = 0; // slot of the next value, in [0, capacity)
  private count = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) {
      throw new RangeError(`History capacity must be a positive integer, got ${capacity}`);
    }
    this.data = new Float64Array(2 * capacity);
  }

  /** Number of values held (at most `capacity`). */
  get size(): number {
    return this.count;
  }

  /** Index in `data` of the latest value; `data[latest - age]` is valid for every age below `size`. */
  get latest(): number {
    return (this.head === 0 ? this.capacity - 1 : this.head - 1) + this.capacity;
  }

  /** Appends a value, dropping the oldest when full. */
  push(value: number): void {
    this.data[this.head] = value;
    this.data[this.head + this.capacity] = value;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    if (this.count < this.capacity) this.count++;
  }

  /** The value `age` steps back (0 = the latest); `age` must be below `size`. */
  back(age: number): number {
    return this.data[this.latest - age];
  }
}
