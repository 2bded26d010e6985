import { ValidationError } from '../shared/index.js';

/** Version of the miner's exported state; a different version is refused rather than misread. */
export const MINER_STATE_VERSION = 1;

/** One template as the miner exports it (JSON, snake_case like every record of the service). */
export interface TemplateState {
  id: string;
  /** Creation order (0, 1, …); templates are rebuilt in this order. */
  seq: number;
  /** The template's tokens; `<*>` marks a variable. */
  tokens: string[];
  /** The tree path the template was filed under when it was born (one key per routing level). */
  route: string[];
  count: number;
  /** The first line the template absorbed, cut to a bounded length. */
  example: string;
  first_seen: number | null;
  last_seen: number | null;
}

/** Everything a miner knows: reloading it gives a miner that assigns the same ids to the same lines. */
export interface MinerState {
  version: typeof MINER_STATE_VERSION;
  /** The live templates, in any order (`seq` orders them). */
  templates: TemplateState[];
  /** Absorbed template id → the id that absorbed it. */
  aliases: Record<string, string>;
  /** The `seq` the next template gets; when absent, one past the largest `seq` present. */
  next_seq?: number;
}

type Obj = Record<string, unknown>;

/** Checks an exported state read back from storage; a ValidationError names the first bad field. */
export function parseMinerState(value: unknown): MinerState {
  const o = object(value, 'state');
  if (o.version !== MINER_STATE_VERSION) {
    throw new ValidationError('state.version', `state.version must be ${MINER_STATE_VERSION}`);
  }
  if (!Array.isArray(o.templates)) {
    throw new ValidationError('state.templates', 'state.templates must be a list');
  }
  const ids = new Set<string>();
  const seqs = new Set<number>();
  const templates = o.templates.map((t: unknown, i: number) => {
    const parsed = templateState(t, `state.templates.${i}`);
    if (ids.has(parsed.id)) {
      throw new ValidationError(`state.templates.${i}.id`, `template id ${parsed.id} appears twice`);
    }
    if (seqs.has(parsed.seq)) {
      throw new ValidationError(`state.templates.${i}.seq`, `template seq ${parsed.seq} appears twice`);
    }
    ids.add(parsed.id);
    seqs.add(parsed.seq);
    return parsed;
  });
  const aliasObj = object(o.aliases, 'state.aliases');
  const aliases: Record<string, string> = {};
  for (const [from, to] of Object.entries(aliasObj)) {
    if (typeof to !== 'string') {
      throw new ValidationError(`state.aliases.${from}`, `state.aliases.${from} must be a template id`);
    }
    aliases[from] = to;
  }
  const after = templates.reduce((m, t) => Math.max(m, t.seq + 1), 0);
  const nextSeq = o.next_seq === undefined ? after : count(o.next_seq, 'state.next_seq');
  if (nextSeq < after) {
    throw new ValidationError(
      'state.next_seq',
      `state.next_seq must be above every template's seq (≥ ${after})`,
    );
  }
  return { version: MINER_STATE_VERSION, templates, aliases, next_seq: nextSeq };
}

function templateState(value: unknown, at: string): TemplateState {
  const o = object(value, at);
  const tokens = strings(o.tokens, `${at}.tokens`);
  const route = strings(o.route, `${at}.route`);
  if (route.length > tokens.length) {
    throw new ValidationError(`${at}.route`, `${at}.route is longer than the template`);
  }
  return {
    id: text(o.id, `${at}.id`),
    seq: count(o.seq, `${at}.seq`),
    tokens,
    route,
    count: count(o.count, `${at}.count`),
    example: typeof o.example === 'string' ? o.example : '',
    first_seen: time(o.first_seen, `${at}.first_seen`),
    last_seen: time(o.last_seen, `${at}.last_seen`),
  };
}

function object(value: unknown, at: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(at, `${at} must be an object`);
  }
  return value as Obj;
}

function text(value: unknown, at: string): string {
  if (typeof value !== 'string' || value === '')
    throw new ValidationError(at, `${at} must be a non-empty string`);
  return value;
}

function strings(value: unknown, at: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new ValidationError(at, `${at} must be a list of strings`);
  }
  return value as string[];
}

function count(value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(at, `${at} must be a whole number ≥ 0`);
  }
  return value;
}

function time(value: unknown, at: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError(at, `${at} must be epoch milliseconds or null`);
  }
  return value;
}
