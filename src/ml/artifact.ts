import { AppError } from '../shared/index.js';

export const ARTIFACT_FORMAT = 'flexiroaster-model';
export const ARTIFACT_SCHEMA_VERSION = 1;

/** The versioned JSON envelope every model is saved in. */
export interface Artifact<B = unknown> {
  format: typeof ARTIFACT_FORMAT;
  schema_version: number;
  /** Which model type wrote it, e.g. 'isolation_forest', 'gbdt'. */
  model: string;
  hyperparameters: Record<string, unknown>;
  feature_names: string[];
  body: B;
}

/** Serialises a model body into the envelope; numbers round-trip exactly through JSON. */
export function encodeArtifact<B>(
  model: string,
  hyperparameters: Record<string, unknown>,
  featureNames: readonly string[],
  body: B,
): string {
  const artifact: Artifact<B> = {
    format: ARTIFACT_FORMAT,
    schema_version: ARTIFACT_SCHEMA_VERSION,
    model,
    hyperparameters,
    feature_names: [...featureNames],
    body,
  };
  return JSON.stringify(artifact);
}

/**
 * Parses an envelope and checks it is ours, of a version we read, and of the expected model type.
 * A corrupt or foreign artifact is refused with MODEL_INVALID and a message saying why; the body
 * itself is checked by the model's own loader.
 */
export function decodeArtifact(text: string | Uint8Array, expectedModel: string): Artifact {
  const fail = (why: string, cause?: unknown): never => {
    throw new AppError('MODEL_INVALID', `cannot load ${expectedModel} artifact: ${why}`, { cause });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof text === 'string' ? text : new TextDecoder().decode(text));
  } catch (err) {
    fail('not valid JSON', err);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return fail('not a JSON object');
  const a = parsed as Partial<Artifact>;
  if (a.format !== ARTIFACT_FORMAT) return fail(`unknown format ${JSON.stringify(a.format)}`);
  if (a.schema_version !== ARTIFACT_SCHEMA_VERSION) {
    return fail(`schema version ${JSON.stringify(a.schema_version)} is not ${ARTIFACT_SCHEMA_VERSION}`);
  }
  if (a.model !== expectedModel) return fail(`it holds a ${JSON.stringify(a.model)} model`);
  if (!Array.isArray(a.feature_names) || !a.feature_names.every((f) => typeof f === 'string')) {
    return fail('feature_names must be a list of strings');
  }
  if (typeof a.hyperparameters !== 'object' || a.hyperparameters === null)
    return fail('hyperparameters missing');
  if (a.body === undefined) return fail('body missing');
  return a as Artifact;
}

/** Asserts a condition while reading an artifact body; throws MODEL_INVALID naming what is wrong. */
export function artifactCheck(condition: unknown, model: string, why: string): asserts condition {
  if (!condition) throw new AppError('MODEL_INVALID', `cannot load ${model} artifact: ${why}`);
}
