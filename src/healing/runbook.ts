/**
 * Runbooks as data: validation of a parsed document (from YAML, JSON or an API body) into a Runbook,
 * collecting every problem with its JSON path, and one typed error that lists them all.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { AppError } from '../shared/index.js';
import { parseCondition } from './conditions.js';
import { parseActionParams } from './params.js';
import { ACTION_IDS, type ActionId, type ActionSpec, type Runbook, type RunbookProblem } from './types.js';

/** A runbook (or a set of them) that fails validation: names the runbook and lists every problem. */
export class RunbookInvalidError extends AppError {
  readonly runbook: string;
  readonly problems: readonly RunbookProblem[];

  constructor(runbook: string, problems: readonly RunbookProblem[]) {
    const list = problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ');
    super('RUNBOOK_INVALID', `runbook "${runbook}" is invalid: ${list}`, {
      field: problems[0]?.path || undefined,
    });
    this.name = 'RunbookInvalidError';
    this.runbook = runbook;
    this.problems = problems;
  }
}

/** The result of validating a runbook: the runbook when there are no problems. */
export type RunbookValidation =
  | { ok: true; runbook: Runbook; problems: readonly [] }
  | { ok: false; runbook: null; problems: readonly RunbookProblem[] };

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const KEYS = new Set([
  'name',
  'description',
  'enabled',
  'priority',
  'mode',
  'requires_approval',
  'when',
  'actions',
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a parsed runbook document. `name` is what the caller calls it (file name, API path);
 * the document's own `name` wins when present. Never throws.
 */
export function validateRunbook(source: unknown, name: string): RunbookValidation {
  const problems: RunbookProblem[] = [];
  if (!isObject(source)) {
    problems.push({ path: '', message: 'must be an object with when and actions' });
    return { ok: false, runbook: null, problems };
  }
  for (const k of Object.keys(source))
    if (!KEYS.has(k)) problems.push({ path: k, message: `unknown key (known: ${[...KEYS].join(', ')})` });

  const ownName = optional(source, 'name', 'string', problems) ?? name;
  if (!NAME.test(ownName))
    problems.push({
      path: 'name',
      message: 'must be 1-100 letters, digits, _ . - starting with a letter or digit',
    });
  const description = optional(source, 'description', 'string', problems) ?? '';
  const enabled = optional(source, 'enabled', 'boolean', problems) ?? true;
  const requiresApproval = optional(source, 'requires_approval', 'boolean', problems) ?? false;
  const priority = optional(source, 'priority', 'number', problems) ?? 0;
  if (!Number.isInteger(priority) || Math.abs(priority) > 1_000_000)
    problems.push({ path: 'priority', message: 'must be an integer in -1000000..1000000' });
  const mode = source.mode ?? null;
  if (mode !== null && mode !== 'dry_run' && mode !== 'live')
    problems.push({ path: 'mode', message: 'must be dry_run or live (or left out for the service default)' });

  const when = source.when === undefined ? null : parseCondition(source.when, 'when', problems);
  if (source.when === undefined) problems.push({ path: 'when', message: 'is required' });
  const actions = parseActions(source.actions, problems);

  if (problems.length > 0 || when === null) return { ok: false, runbook: null, problems };
  return {
    ok: true,
    problems: [],
    runbook: {
      name: ownName,
      description,
      enabled,
      priority,
      mode: mode as Runbook['mode'],
      requires_approval: requiresApproval,
      when,
      actions,
    },
  };
}

/** A valid runbook from a parsed document, or a RunbookInvalidError listing every problem. */
export function parseRunbook(source: unknown, name: string): Runbook {
  const v = validateRunbook(source, name);
  if (!v.ok)
    throw new RunbookInvalidError(
      isObject(source) && typeof source.name === 'string' ? source.name : name,
      v.problems,
    );
  return v.runbook;
}

/** A runbook from YAML or JSON text (JSON is YAML); a syntax error is a RunbookInvalidError too. */
export function parseRunbookText(text: string, name: string): Runbook {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    if (!(e instanceof YAMLParseError)) throw e;
    const at = e.linePos?.[0];
    const where = at === undefined ? '' : ` at line ${at.line}, column ${at.col}`;
    throw new RunbookInvalidError(name, [{ path: '', message: `not valid YAML/JSON${where}: ${e.code}` }]);
  }
  return parseRunbook(doc, name);
}

/** Throws when two runbooks share a name (a set loaded from a folder must be unambiguous). */
export function assertUniqueNames(runbooks: readonly Runbook[]): void {
  const seen = new Set<string>();
  for (const r of runbooks) {
    if (seen.has(r.name))
      throw new RunbookInvalidError(r.name, [{ path: 'name', message: 'another runbook has this name' }]);
    seen.add(r.name);
  }
}

function parseActions(raw: unknown, problems: RunbookProblem[]): ActionSpec[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push({ path: 'actions', message: 'must be a non-empty list of actions' });
    return [];
  }
  const out: ActionSpec[] = [];
  raw.forEach((item, i) => {
    const path = `actions.${i}`;
    const form = typeof item === 'string' ? { action: item } : item;
    if (!isObject(form)) {
      problems.push({ path, message: 'must be an action id or {action, params}' });
      return;
    }
    for (const k of Object.keys(form))
      if (k !== 'action' && k !== 'params')
        problems.push({ path: `${path}.${k}`, message: 'unknown key (an action has action, params)' });
    const action = form.action;
    if (typeof action !== 'string' || !(ACTION_IDS as readonly string[]).includes(action)) {
      problems.push({ path: `${path}.action`, message: `must be one of ${ACTION_IDS.join(', ')}` });
      return;
    }
    const params = parseActionParams(action as ActionId, form.params, `${path}.params`, problems);
    out.push({ action, params } as ActionSpec);
  });
  return out;
}

function optional<T extends 'string' | 'boolean' | 'number'>(
  source: Record<string, unknown>,
  key: string,
  type: T,
  problems: RunbookProblem[],
): (T extends 'string' ? string : T extends 'boolean' ? boolean : number) | undefined {
  const v = source[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== type || (type === 'number' && !Number.isFinite(v))) {
    problems.push({ path: key, message: `must be a ${type}` });
    return undefined;
  }
  return v as never;
}
