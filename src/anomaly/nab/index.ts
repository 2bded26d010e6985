// The NAB scorer (Numenta Anomaly Benchmark), as its SCORING.md defines it. Pure: callers read files.
export type { CostProfile, WindowLabel, ScoredSeries, FileScore } from './types.js';
export { scaledSigmoid } from './sigmoid.js';
export { parseNabTimestamp } from './timestamp.js';
export { probationLength, windowRows, buildLayout, type RowLayout } from './layout.js';
export { scoreFile, type FileOutcome } from './score-file.js';
export { optimizeThreshold, type LaidOutScores, type ThresholdChoice } from './optimize.js';
export { normalizeScore } from './normalize.js';
export { parseProfiles, parseWindows } from './labels.js';
export { evaluateCorpus, type CorpusReport, type ProfileResult, type EvaluateOptions } from './corpus.js';
