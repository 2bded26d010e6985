import { ValidationError } from '../../shared/index.js';
import type { CostProfile } from './types.js';

/**
 * NAB's 0–100 score: 100 · (raw − null) / (perfect − null), where the null detector misses every
 * window (−fnWeight each) and the perfect one catches each at its left edge (tpWeight each).
 */
export function normalizeScore(raw: number, windows: number, profile: CostProfile): number {
  if (windows <= 0) throw new ValidationError('labels', 'the files scored hold no anomaly window');
  const nullRaw = -profile.fnWeight * windows;
  const perfect = profile.tpWeight * windows;
  return (100 * (raw - nullRaw)) / (perfect - nullRaw);
}
