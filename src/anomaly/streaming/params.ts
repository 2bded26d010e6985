import { resolveParams, type Params } from '../../ml/index.js';

/** The streaming detector's hyperparameters, declared once: default, bounds and what each does. */
export const STREAMING_PARAMS = {
  historyLength: {
    kind: 'number',
    default: 1024,
    min: 64,
    max: 65536,
    integer: true,
    doc: 'points of history searched for a similar recent shape (memory and cost grow with it)',
  },
  shapeLength: {
    kind: 'number',
    default: 6,
    min: 2,
    max: 64,
    integer: true,
    doc: 'points in the short shape compared with history',
  },
  shapeStride: {
    kind: 'number',
    default: 2,
    min: 1,
    max: 16,
    integer: true,
    doc: 'spacing of the short shape’s points',
  },
  contextBlock: {
    kind: 'number',
    default: 32,
    min: 2,
    max: 1024,
    integer: true,
    doc: 'points averaged into one step of the long context shape (sees missing or stretched cycles)',
  },
  contextLength: {
    kind: 'number',
    default: 8,
    min: 2,
    max: 64,
    integer: true,
    doc: 'steps in the long context shape (it spans contextBlock × contextLength points)',
  },
  contextLagStep: {
    kind: 'number',
    default: 4,
    min: 1,
    max: 64,
    integer: true,
    doc: 'lag step of the context search (the averaged series moves slowly)',
  },
  averageOver: {
    kind: 'number',
    default: 5,
    min: 1,
    max: 100,
    integer: true,
    doc: 'points in the short average of errors that the likelihood judges',
  },
  memory: {
    kind: 'number',
    default: 500,
    min: 10,
    max: 1e6,
    doc: 'points the long-run error statistics remember (exponential forgetting)',
  },
  errorClip: {
    kind: 'number',
    default: 3,
    exclusiveMin: true,
    min: 0,
    max: 100,
    doc: 'errors beyond mean + errorClip·sd are clipped before they update the long-run statistics',
  },
  warmup: {
    kind: 'number',
    default: 150,
    min: 0,
    max: 1e6,
    integer: true,
    doc: 'points learned before any score above 0 is emitted',
  },
  noveltyMargin: {
    kind: 'number',
    default: 0.05,
    min: 0,
    max: 10,
    doc: 'a value beyond the range seen so far by this share of the range scores as novel (0 turns it off)',
  },
  noveltyRefractory: {
    kind: 'number',
    default: 50,
    min: 0,
    max: 1e6,
    integer: true,
    doc: 'points after an alert during which a novel value is taken as the same episode, not a new one',
  },
  alertSurprise: {
    kind: 'number',
    default: 4.5,
    exclusiveMin: true,
    min: 0,
    max: 700,
    doc: 'surprise in nats (−ln p) that maps to score 0.5, the alert level',
  },
  quietPoints: {
    kind: 'number',
    default: 400,
    min: 0,
    max: 1e6,
    integer: true,
    doc: 'points after an alert during which the episode is considered ongoing and scores are damped',
  },
  quietFactor: {
    kind: 'number',
    default: 0.3,
    min: 0,
    max: 1,
    doc: 'multiplier of scores during the quiet period (below 0.5, so an ongoing episode does not re-alert)',
  },
} as const;

/** Validated, frozen options of a streaming detector. */
export type StreamingOptions = Params<typeof STREAMING_PARAMS>;

/** Fills defaults and validates; errors name the parameter (code INVALID_HYPERPARAMETER). */
export function resolveStreamingOptions(input: Readonly<Record<string, unknown>> = {}): StreamingOptions {
  return resolveParams('streaming detector', STREAMING_PARAMS, input);
}
