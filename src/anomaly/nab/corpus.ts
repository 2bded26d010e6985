import { ValidationError } from '../../shared/index.js';
import { buildLayout } from './layout.js';
import { normalizeScore } from './normalize.js';
import { optimizeThreshold, type LaidOutScores } from './optimize.js';
import { scoreFile } from './score-file.js';
import type { CostProfile, FileScore, ScoredSeries } from './types.js';

/** A profile's outcome over the files scored. */
export interface ProfileResult {
  readonly profile: string;
  readonly threshold: number;
  /** Sum of the files' raw scores at `threshold`. */
  readonly raw: number;
  /** NAB's normalised score, 0 (null detector) to 100 (perfect), against the windows of these files. */
  readonly score: number;
}

/** NAB's evaluation of one detector over a set of files. */
export interface CorpusReport {
  readonly files: number;
  readonly windows: number;
  readonly profiles: readonly ProfileResult[];
  /** One row per file and profile, at that profile's threshold. */
  readonly perFile: readonly FileScore[];
}

/** Options of {@link evaluateCorpus}. */
export interface EvaluateOptions {
  /** Score every profile at this threshold instead of optimising one per profile. */
  readonly fixedThreshold?: number;
}

/**
 * Scores a detector's outputs as NAB does: per profile, one threshold for all the files (the best
 * over them, or the fixed one), each file scored at it, totals normalised against these files' windows.
 */
export function evaluateCorpus(
  series: readonly ScoredSeries[],
  profiles: readonly CostProfile[],
  options: EvaluateOptions = {},
): CorpusReport {
  const laidOut = series.map(layOut);
  const windows = laidOut.reduce((n, f) => n + f.layout.windows, 0);
  const perFile: FileScore[] = [];
  const results = profiles.map((profile): ProfileResult => {
    const threshold = options.fixedThreshold ?? optimizeThreshold(laidOut, profile).threshold;
    let raw = 0;
    laidOut.forEach((f, k) => {
      const outcome = scoreFile(f.layout, f.scores, threshold, profile);
      raw += outcome.score;
      perFile.push({ file: series[k].name, profile: profile.name, threshold, ...outcome });
    });
    return { profile: profile.name, threshold, raw, score: normalizeScore(raw, windows, profile) };
  });
  return { files: series.length, windows, profiles: results, perFile };
}

function layOut(s: ScoredSeries): LaidOutScores {
  if (s.scores.length !== s.timestamps.length) {
    throw new ValidationError(s.name, `${s.scores.length} scores for ${s.timestamps.length} rows`);
  }
  for (let i = 0; i < s.scores.length; i++) {
    if (!Number.isFinite(s.scores[i])) {
      throw new ValidationError(s.name, `row ${i + 1}: anomaly score ${s.scores[i]} is not a number`);
    }
  }
  return { layout: buildLayout(s.timestamps, s.windows), scores: s.scores };
}
