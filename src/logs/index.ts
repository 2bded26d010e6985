/** The logs room's public face: template mining, error signatures, root cause and recommendations. */
export { WILDCARD, maskLine, maskTokens } from './mask.js';
export {
  MINER_SETTINGS,
  TemplateMiner,
  minerTokens,
  type MinedLine,
  type MinerEvent,
  type Template,
} from './miner.js';
export { messageKey, minedLines } from './messages.js';
export { MINER_STATE_VERSION, type MinerState, type TemplateState } from './miner-state.js';
export { compileLogFormat, type LogFormat } from './log-format.js';
export { groupingAccuracy } from './accuracy.js';
export { EventGrouper, groupEvents, messageLines } from './event-grouper.js';
export { SIGNATURES, SIGNATURE_RULES, type Signature, type SignatureRule } from './signature-rules.js';
export { UNKNOWN_MATCH, classifyError, matchSignatures, type SignatureMatch } from './signatures.js';
export {
  parseRootCauseRequest,
  type RootCauseRequest,
  type SignatureCount,
  type StageStatusInput,
  type VersionChange,
} from './rca-request.js';
export {
  CAUSE_OF_SIGNATURE,
  PRIMARY_CAUSES,
  analyzeRootCause,
  type PrimaryCause,
  type RootCauseResult,
} from './rca.js';
export {
  RECOMMENDATION_THRESHOLDS,
  parseRecommendationRequest,
  recommend,
  type Recommendation,
  type RecommendationDriver,
  type RecommendationRequest,
} from './recommendations.js';
