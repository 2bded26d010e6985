/**
 * Range novelty: a value beyond the range seen so far, by more than `margin` × that range, has never
 * been seen before — the strongest evidence a single point can give. Two numbers of state.
 */
export class RangeNovelty {
  private min = Infinity;
  private max = -Infinity;

  constructor(private readonly margin: number) {}

  /** Whether `value` lies outside the widened range so far; then widens the range to include it. */
  update(value: number): boolean {
    const slack = this.margin * (this.max - this.min);
    const novel = this.margin > 0 && (value > this.max + slack || value < this.min - slack);
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    return novel;
  }

  /** Width of the range seen so far (0 before two distinct values). */
  get range(): number {
    return this.max > this.min ? this.max - this.min : 0;
  }
}
