/** NAB's scaled sigmoid: 2 / (1 + e^(5x)) − 1, pinned to −1 beyond x = 3. */
export function scaledSigmoid(x: number): number {
  if (x > 3) return -1;
  return 2 / (1 + Math.exp(5 * x)) - 1;
}
