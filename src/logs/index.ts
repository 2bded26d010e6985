/** The logs room's public face: template mining, error signatures, root cause and recommendations. */
export { WILDCARD, maskLine, maskTokens } from './mask.js';
export { MINER_SETTINGS, TemplateMiner, type MinedLine, type MinerEvent, type Template } from './miner.js';
export { MINER_STATE_VERSION, type MinerState, type TemplateState } from './miner-state.js';
export { compileLogFormat, type LogFormat } from './log-format.js';
export { groupingAccuracy } from './accuracy.js';
