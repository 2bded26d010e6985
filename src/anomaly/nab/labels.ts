import { ValidationError } from '../../shared/index.js';
import type { CostProfile, WindowLabel } from './types.js';

/** Reads NAB's `config/profiles.json` ({name: {CostMatrix: {tpWeight, fnWeight, fpWeight}}}). */
export function parseProfiles(json: unknown): CostProfile[] {
  if (!isRecord(json)) throw new ValidationError('profiles', 'profiles must be a JSON object');
  return Object.entries(json).map(([name, entry]) => {
    const matrix = isRecord(entry) ? entry.CostMatrix : undefined;
    if (!isRecord(matrix)) throw new ValidationError(`profiles.${name}`, 'needs a CostMatrix object');
    const weight = (key: string): number => {
      const v = matrix[key];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new ValidationError(`profiles.${name}.CostMatrix.${key}`, 'must be a number ≥ 0');
      }
      return v;
    };
    return { name, tpWeight: weight('tpWeight'), fnWeight: weight('fnWeight'), fpWeight: weight('fpWeight') };
  });
}

/** Reads NAB's `labels/combined_windows.json` ({"category/series.csv": [[start, end], …]}). */
export function parseWindows(json: unknown): Map<string, WindowLabel[]> {
  if (!isRecord(json)) throw new ValidationError('labels', 'labels must be a JSON object');
  const out = new Map<string, WindowLabel[]>();
  for (const [file, list] of Object.entries(json)) {
    if (!Array.isArray(list)) throw new ValidationError(`labels.${file}`, 'must be a list of windows');
    out.set(
      file,
      list.map((w: unknown, k): WindowLabel => {
        if (!Array.isArray(w) || w.length !== 2 || typeof w[0] !== 'string' || typeof w[1] !== 'string') {
          throw new ValidationError(`labels.${file}.${k}`, 'a window is [start, end] timestamps');
        }
        return [w[0], w[1]];
      }),
    );
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
