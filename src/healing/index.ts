/**
 * The healing room's public face: the decision core of the self-healing loop. Runbooks (data) turn a
 * HealingContext into decisions; Guards say whether each action may execute; verification judges the
 * runs after an action; the ladder says where a failed fix goes next. Pure: the caller brings the
 * clock, randomness, executors and storage.
 */
export * from './types.js';
export { ACTION_RISK, BESIDE_LADDER, SAFE_LADDER, ladderRung, nextOnLadder, riskAtLeast } from './actions.js';
export {
  PERMANENT_SIGNATURES,
  TRANSIENT_SIGNATURES,
  isRetryable,
  nonRetryableSignature,
  retryClass,
  retryDelayMs,
  type RetryClass,
} from './retry.js';
export { DEFAULT_PREFLIGHT_THRESHOLDS, preflightPolicy, preflightThresholds } from './preflight.js';
