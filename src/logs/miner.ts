import { hashKey } from '../shared/index.js';
import { WILDCARD, maskTokens } from './mask.js';
import { MINER_STATE_VERSION, parseMinerState, type MinerState, type TemplateState } from './miner-state.js';
import { ParseTree, type Leaf } from './parse-tree.js';
import { collapseRuns, generalise, joinScore, singleHardDifference } from './tokens.js';

/** The miner's one configuration: the same for every log source (no per-source tuning). */
export const MINER_SETTINGS = Object.freeze({
  /** Share of a line's positions that must agree with a template (as word or wildcard) to join it. */
  similarity: 0.5,
  /** Leading tokens that route a line in the tree below its token count (Drain's depth − 2). */
  routeTokens: 2,
  /** Children per tree node; further distinct leading words share the wildcard branch. */
  maxChildren: 100,
  /** Distinct words seen in one position of otherwise equal templates that make it a variable. */
  mergeValues: 4,
  /** Templates kept; at this size a line that fits none joins the closest one of its leaf. */
  maxTemplates: 20_000,
  /** Characters of a template's first line kept as its example. */
  exampleLength: 500,
});

/** A mined template as callers see it. */
export interface Template {
  id: string;
  /** The template text; `<*>` marks a variable. */
  text: string;
  count: number;
  /** The first line the template absorbed (cut to `MINER_SETTINGS.exampleLength`). */
  example: string;
  /** Epoch ms of the first and last line, when `add` was given times. */
  firstSeen: number | null;
  lastSeen: number | null;
}

/** What adding a line changed: a template was born, or one was generalised or absorbed others. */
export type MinerEvent =
  | { type: 'template:new'; id: string; template: string }
  | { type: 'template:merge'; id: string; previous: string; template: string; absorbed: string[] };

/** The template a line belongs to after `add`, and the events its arrival caused. */
export interface MinedLine {
  id: string;
  template: string;
  events: readonly MinerEvent[];
}

interface Cluster {
  id: string;
  /** Creation order, kept across restarts: the tree is rebuilt and the oldest sibling found by it. */
  seq: number;
  tokens: string[];
  text: string;
  route: string[];
  count: number;
  example: string;
  firstSeen: number | null;
  lastSeen: number | null;
}

const NO_EVENTS: readonly MinerEvent[] = Object.freeze([]);
const S = MINER_SETTINGS;

/**
 * Online template miner in the spirit of Drain: lines are masked, routed through a fixed-depth tree
 * and joined to the most similar template of their leaf, whose differing positions become `<*>`.
 * Unlike Drain, two different words never become `<*>` at once: a line that differs from every
 * template by a word starts a template of its own, and templates that differ only in one position
 * merge once `mergeValues` distinct words were seen there. Few distinct words in one place are
 * usually states or kinds (`from RUNNING to FAILED`); many are values (user names).
 */
export class TemplateMiner {
  private readonly tree = new ParseTree<Cluster>(S.routeTokens, S.maxChildren);
  private readonly clusters = new Map<string, Cluster>();
  private readonly aliases = new Map<string, string>();
  private nextSeq = 0;

  /** Rebuilds a miner from `exportState()` output; a ValidationError names a malformed field. */
  static fromState(value: unknown): TemplateMiner {
    const state = parseMinerState(value);
    const miner = new TemplateMiner();
    const ordered = [...state.templates].sort((a, b) => a.seq - b.seq);
    for (const t of ordered) {
      const c: Cluster = {
        id: t.id,
        seq: t.seq,
        tokens: [...t.tokens],
        text: t.tokens.join(' '),
        route: [...t.route],
        count: t.count,
        example: t.example,
        firstSeen: t.first_seen,
        lastSeen: t.last_seen,
      };
      miner.clusters.set(c.id, c);
      miner.tree.leafAt(c.tokens.length, c.route).items.push(c);
    }
    miner.nextSeq = state.next_seq ?? 0;
    for (const [from, to] of Object.entries(state.aliases)) miner.aliases.set(from, to);
    return miner;
  }

  /**
   * The template a line read as `tokens` (see `minerTokens`) would join now, without counting it or
   * changing anything; undefined when it would found a new one.
   */
  lookup(tokens: readonly string[]): Template | undefined {
    const leaf = this.tree.find(tokens);
    if (leaf === undefined || leaf.items.length === 0) return undefined;
    const c =
      bestJoin(leaf, tokens) ?? (this.clusters.size >= S.maxTemplates ? closest(leaf, tokens) : undefined);
    return c === undefined ? undefined : view(c);
  }

  /** Mines one line (at epoch ms `at`, if known): finds or makes its template, reports what changed. */
  add(line: string, at: number | null = null): MinedLine {
    const tokens = minerTokens(line);
    const leaf = this.tree.leafFor(tokens);
    let events = NO_EVENTS;
    let cluster = bestJoin(leaf, tokens);
    if (cluster === undefined && this.clusters.size >= S.maxTemplates && leaf.items.length > 0) {
      cluster = closest(leaf, tokens);
    }
    if (cluster === undefined) {
      cluster = this.create(tokens, line);
      leaf.items.push(cluster);
      const born: MinerEvent = { type: 'template:new', id: cluster.id, template: cluster.text };
      const merged = this.mergeSiblings(leaf, cluster);
      events = merged === undefined ? [born] : [born, merged];
      if (merged !== undefined) cluster = this.clusters.get(merged.id) as Cluster;
    } else {
      // No other template of the leaf can read like the generalised one: the line would have joined
      // it instead, with every position agreeing.
      const previous = cluster.text;
      if (generalise(cluster.tokens, tokens)) {
        cluster.text = cluster.tokens.join(' ');
        events = [{ type: 'template:merge', id: cluster.id, previous, template: cluster.text, absorbed: [] }];
      }
    }
    cluster.count++;
    if (at !== null) {
      if (cluster.firstSeen === null || at < cluster.firstSeen) cluster.firstSeen = at;
      if (cluster.lastSeen === null || at > cluster.lastSeen) cluster.lastSeen = at;
    }
    return { id: cluster.id, template: cluster.text, events };
  }

  /** The id a template is known by now: an absorbed template's id leads to its absorber. */
  resolve(id: string): string {
    let current = id;
    for (let next = this.aliases.get(current); next !== undefined; next = this.aliases.get(current)) {
      current = next;
    }
    return current;
  }

  /** One template by id (absorbed ids resolve), or undefined. */
  template(id: string): Template | undefined {
    const c = this.clusters.get(this.resolve(id));
    return c === undefined ? undefined : view(c);
  }

  /** Every live template, in order of creation. */
  templates(): Template[] {
    return [...this.clusters.values()].map(view);
  }

  /** The full state as JSON-ready data (templates, their tree paths, merge aliases). */
  exportState(): MinerState {
    return {
      version: MINER_STATE_VERSION,
      templates: [...this.clusters.values()].map(stateOf),
      aliases: Object.fromEntries(this.aliases),
      next_seq: this.nextSeq,
    };
  }

  /**
   * One live template in its exported form, for saving templates one by one as events report
   * them (absorbed ids resolve); a state assembled from these and the merge events reloads like
   * `exportState()`.
   */
  templateState(id: string): TemplateState | undefined {
    const c = this.clusters.get(this.resolve(id));
    return c === undefined ? undefined : stateOf(c);
  }

  private create(tokens: string[], line: string): Cluster {
    const text = tokens.join(' ');
    // The id hashes the first text, so it is the same whenever the same line founds the template;
    // a counter separates the rare templates founded by equal texts.
    const base = `t${hashKey(text)}`;
    let id = base;
    for (let n = 2; this.clusters.has(id) || this.aliases.has(id); n++) id = `${base}-${n}`;
    const c: Cluster = {
      id,
      seq: this.nextSeq++,
      tokens: [...tokens],
      text,
      route: this.tree.route(tokens),
      count: 0,
      example: line.length > S.exampleLength ? line.slice(0, S.exampleLength) : line,
      firstSeen: null,
      lastSeen: null,
    };
    this.clusters.set(id, c);
    return c;
  }

  /**
   * After `fresh` was born: when the templates of its leaf that differ from it in one word position
   * hold `mergeValues` distinct words there, they all merge into the oldest, with `<*>` there.
   */
  private mergeSiblings(leaf: Leaf<Cluster>, fresh: Cluster): MinerEvent | undefined {
    const byPosition = new Map<number, Cluster[]>();
    for (const c of leaf.items) {
      if (c === fresh) continue;
      const p = singleHardDifference(c.tokens, fresh.tokens, S.similarity);
      if (p < 0) continue;
      const list = byPosition.get(p);
      if (list === undefined) byPosition.set(p, [c]);
      else list.push(c);
    }
    for (const [p, list] of byPosition) {
      const words = new Set(list.map((c) => c.tokens[p]));
      words.add(fresh.tokens[p]);
      if (words.size < S.mergeValues) continue;
      const survivor = list[0]; // leaf items are in creation order: the oldest keeps its id
      const previous = survivor.text;
      for (const c of list) generalise(survivor.tokens, c.tokens);
      generalise(survivor.tokens, fresh.tokens);
      survivor.tokens[p] = WILDCARD;
      survivor.text = survivor.tokens.join(' ');
      const absorbed = this.absorb(leaf, survivor, [...list.slice(1), fresh]);
      return { type: 'template:merge', id: survivor.id, previous, template: survivor.text, absorbed };
    }
    return undefined;
  }

  private absorb(leaf: Leaf<Cluster>, into: Cluster, members: Cluster[]): string[] {
    for (const m of members) {
      into.count += m.count;
      into.firstSeen = minTime(into.firstSeen, m.firstSeen);
      into.lastSeen = maxTime(into.lastSeen, m.lastSeen);
      this.clusters.delete(m.id);
      this.aliases.set(m.id, into.id);
    }
    const gone = new Set(members);
    leaf.items = leaf.items.filter((c) => !gone.has(c));
    return members.map((m) => m.id);
  }
}

/** A line as the miner reads it: masked tokens, runs of one masked token collapsed. */
export function minerTokens(line: string): string[] {
  return collapseRuns(maskTokens(line));
}

/** The template of the leaf a line may join with the best score, or undefined. */
function bestJoin(leaf: Leaf<Cluster>, tokens: readonly string[]): Cluster | undefined {
  let best: Cluster | undefined;
  let bestScore: number = S.similarity;
  for (const c of leaf.items) {
    const score = joinScore(c.tokens, tokens);
    if (score >= bestScore && (best === undefined || score > bestScore)) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** At capacity: the template of the leaf with the most equal positions, hard differences or not. */
function closest(leaf: Leaf<Cluster>, tokens: readonly string[]): Cluster {
  let best = leaf.items[0];
  let bestSame = -1;
  for (const c of leaf.items) {
    let same = 0;
    for (let i = 0; i < tokens.length; i++) if (c.tokens[i] === tokens[i] || c.tokens[i] === WILDCARD) same++;
    if (same > bestSame) {
      best = c;
      bestSame = same;
    }
  }
  return best;
}

function stateOf(c: Cluster): TemplateState {
  return {
    id: c.id,
    seq: c.seq,
    tokens: [...c.tokens],
    route: [...c.route],
    count: c.count,
    example: c.example,
    first_seen: c.firstSeen,
    last_seen: c.lastSeen,
  };
}

function view(c: Cluster): Template {
  return {
    id: c.id,
    text: c.text,
    count: c.count,
    example: c.example,
    firstSeen: c.firstSeen,
    lastSeen: c.lastSeen,
  };
}

function minTime(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxTime(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
