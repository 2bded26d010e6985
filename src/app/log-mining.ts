import type { TelemetryEvent } from '../domain/index.js';
import {
  TemplateMiner,
  classifyError,
  messageKey,
  minedLines,
  type MinerEvent,
  type Template,
} from '../logs/index.js';
import type { ErrorPatternInfo, ErrorPatternNamer } from '../monitoring/index.js';
import type { PipelineTemplateRow, TemplateRow, TemplateStore, TimedPageQuery } from '../ports/index.js';
import type { Clock } from '../shared/index.js';
import type { AcceptedEvent, IngestListener } from './ingest-service.js';
import { PipelineTemplates } from './pipeline-templates.js';

/** A miner event and the pipeline whose line caused it (for the log and the counters). */
export type MiningEvent = MinerEvent & { pipeline_id: string };

export interface LogMiningDeps {
  store: TemplateStore;
  clock: Clock;
  /** The span over which the new-template rate is counted (the monitoring window). */
  windowMs: number;
  onEvent?: (event: MiningEvent) => void;
}

/** What `flush` has not yet written; swapped out whole so mining goes on during a write. */
interface Pending {
  templates: Set<string>;
  stats: Map<string, Set<string>>;
  aliases: Record<string, string>;
}

/** One template as the API lists it. */
export interface TemplateView {
  template_id: string;
  template: string;
  count: number;
  signature: string;
  example: string;
  first_seen: string | null;
  last_seen: string | null;
}

// Describing a key is memoised until the miner changes (a new or merged template may change it).
const DESCRIBE_MEMO_LIMIT = 10_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Mines every accepted log line and error message into templates (one miner for the fleet), keeps
 * each template's error signature and per-pipeline counts, and writes what changed in batches. It
 * names error messages for the monitoring engine (`namer`) so the snapshot's dominant patterns are
 * templates with their signatures.
 */
export class LogMiningService {
  private readonly signatures = new Map<string, string>();
  private readonly describeMemo = new Map<string, ErrorPatternInfo | null>();
  private pending: Pending = emptyPending();
  private flushing: Promise<void> = Promise.resolve();
  private readonly counters = { lines: 0, new_templates: 0, merges: 0 };
  private epoch = 0;

  private constructor(
    private readonly deps: LogMiningDeps,
    private readonly miner: TemplateMiner,
    private readonly pipelines: PipelineTemplates,
  ) {}

  /** Loads the stored templates (same ids as before the restart) and starts mining from there. */
  static async open(deps: LogMiningDeps): Promise<LogMiningService> {
    const stored = await deps.store.load();
    const miner = TemplateMiner.fromState({
      version: 1,
      templates: stored.templates.map((t) => ({
        id: t.id,
        seq: t.seq,
        tokens: t.tokens,
        route: t.route,
        count: t.count,
        example: t.example,
        first_seen: t.first_seen,
        last_seen: t.last_seen,
      })),
      aliases: stored.aliases,
    });
    const service = new LogMiningService(deps, miner, new PipelineTemplates(deps.windowMs));
    for (const t of stored.templates) service.signatures.set(t.id, t.signature);
    for (const s of stored.pipelineStats) {
      if (miner.resolve(s.template_id) === s.template_id) service.pipelines.restore(s);
    }
    return service;
  }

  /** The ingest listener: mines what changed the live state (a repeated state is not mined again). */
  readonly onAccepted: IngestListener = (accepted: readonly AcceptedEvent[]) => {
    for (const { event, decision } of accepted) if (decision !== 'unchanged') this.mineEvent(event);
  };

  /** Names error messages for the monitoring engine: keys by shape, described by their template. */
  readonly namer: ErrorPatternNamer = {
    keyOf: messageKey,
    describe: (key) => {
      const memo = this.describeMemo.get(key);
      if (memo !== undefined) return memo ?? undefined;
      const t = this.miner.lookup(key.split(' '));
      const info = t === undefined ? null : this.infoOf(t);
      if (this.describeMemo.size >= DESCRIBE_MEMO_LIMIT) this.describeMemo.clear();
      this.describeMemo.set(key, info);
      return info ?? undefined;
    },
    epoch: () => this.epoch,
  };

  /** Mines one message of a pipeline (a stack trace is one line); returns each line's template. */
  mine(pipelineId: string, message: string, at: number): ErrorPatternInfo[] {
    const out: ErrorPatternInfo[] = [];
    for (const line of minedLines(message)) {
      const mined = this.miner.add(line, at);
      this.counters.lines++;
      for (const e of mined.events) this.onMinerEvent(e, pipelineId, line);
      this.pending.templates.add(mined.id);
      this.pipelines.count(pipelineId, mined.id, at, this.deps.clock.now());
      markStat(this.pending, pipelineId, mined.id);
      out.push({ template_id: mined.id, pattern: mined.template, signature: this.signatureOf(mined.id) });
    }
    return out;
  }

  /** The error signature of a template (`unknown` when none matched). */
  signatureOf(templateId: string): string {
    return this.signatures.get(this.miner.resolve(templateId)) ?? 'unknown';
  }

  /**
   * Templates by count, with a pipeline's own counts when `pipeline_id` is given; `since`/`until`
   * keep those last seen in that span.
   */
  templates(q: TimedPageQuery): {
    items: TemplateView[];
    total: number;
  } {
    const rows: TemplateView[] = [];
    if (q.pipeline_id === undefined) {
      for (const t of this.miner.templates()) rows.push(this.view(t, t.count, t.firstSeen, t.lastSeen));
    } else {
      for (const s of this.pipelines.of(q.pipeline_id)) {
        const t = this.miner.template(s.template_id);
        if (t !== undefined) rows.push(this.view(t, s.count, s.first_seen, s.last_seen));
      }
    }
    const kept = rows.filter((r) => seenIn(r.last_seen, q.since, q.until));
    kept.sort((a, b) => b.count - a.count || (a.template_id < b.template_id ? -1 : 1));
    return { items: kept.slice(q.offset, q.offset + q.limit), total: kept.length };
  }

  /** Templates the pipeline produced for the first time within the window, and that as a rate per hour. */
  newTemplateSignal(pipelineId: string): { count: number; per_hour: number } {
    const n = this.pipelines.newIn(pipelineId, this.deps.clock.now());
    return { count: n, per_hour: n / (this.deps.windowMs / 3_600_000) };
  }

  /** Lines mined, templates born and merges since start, and templates alive now. */
  stats(): { lines: number; new_templates: number; merges: number; templates: number } {
    return { ...this.counters, templates: this.miner.templates().length };
  }

  /**
   * Writes what changed since the last flush in one transaction; on failure the changes stay
   * pending for the next flush. Flushes never overlap.
   */
  flush(): Promise<void> {
    // A failed flush must not block the next one: its changes went back to pending.
    this.flushing = this.flushing.catch(() => undefined).then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    if (batch.templates.size === 0 && batch.stats.size === 0 && Object.keys(batch.aliases).length === 0)
      return;
    this.pending = emptyPending();
    try {
      await this.deps.store.save({
        templates: this.templateRows(batch.templates),
        pipelineStats: this.statRows(batch.stats),
        aliases: batch.aliases,
      });
    } catch (err) {
      mergePending(this.pending, batch);
      throw err;
    }
  }

  private mineEvent(event: TelemetryEvent): void {
    const at = event.event_time;
    switch (event.kind) {
      case 'log':
        this.mine(event.pipeline_id, event.message, at);
        return;
      case 'stage':
        if (event.error_message !== null) this.mine(event.pipeline_id, event.error_message, at);
        return;
      case 'execution':
        if (event.error_message !== null) this.mine(event.pipeline_id, event.error_message, at);
        // The original's stage_errors repeat the error_message at times; both are messages of the run.
        for (const m of event.stage_errors) this.mine(event.pipeline_id, m, at);
        return;
      case 'metric':
        return;
    }
  }

  private onMinerEvent(e: MinerEvent, pipelineId: string, line: string): void {
    this.describeMemo.clear();
    this.epoch++;
    if (e.type === 'template:new') {
      this.counters.new_templates++;
      this.signatures.set(e.id, classifyError(line).signature);
    } else {
      this.counters.merges++;
      for (const gone of e.absorbed) {
        const theirs = this.signatures.get(gone);
        if (this.signatures.get(e.id) === 'unknown' && theirs !== undefined)
          this.signatures.set(e.id, theirs);
        this.signatures.delete(gone);
        this.pending.aliases[gone] = e.id;
        this.pending.templates.delete(gone);
        for (const p of this.pipelines.absorb(gone, e.id)) markStat(this.pending, p, e.id);
      }
    }
    this.deps.onEvent?.({ ...e, pipeline_id: pipelineId });
  }

  private infoOf(t: Template): ErrorPatternInfo {
    return { template_id: t.id, pattern: t.text, signature: this.signatures.get(t.id) ?? 'unknown' };
  }

  private view(t: Template, count: number, first: number | null, last: number | null): TemplateView {
    return {
      template_id: t.id,
      template: t.text,
      count,
      signature: this.signatures.get(t.id) ?? 'unknown',
      example: t.example,
      first_seen: iso(first),
      last_seen: iso(last),
    };
  }

  private templateRows(ids: Set<string>): TemplateRow[] {
    const rows: TemplateRow[] = [];
    for (const id of ids) {
      const s = this.miner.resolve(id) === id ? this.miner.templateState(id) : undefined;
      if (s === undefined) continue;
      rows.push({
        id: s.id,
        seq: s.seq,
        text: s.tokens.join(' '),
        tokens: s.tokens,
        route: s.route,
        count: s.count,
        example: s.example,
        signature: this.signatures.get(s.id) ?? 'unknown',
        first_seen: s.first_seen,
        last_seen: s.last_seen,
      });
    }
    return rows;
  }

  private statRows(stats: Map<string, Set<string>>): PipelineTemplateRow[] {
    const rows: PipelineTemplateRow[] = [];
    for (const [pipelineId, ids] of stats) {
      for (const id of ids) {
        const s = this.pipelines.get(pipelineId, id);
        if (s !== undefined) rows.push(s);
      }
    }
    return rows;
  }
}

/** Whether an ISO time is within [since, until); no bound, no limit; never seen counts as outside a bound. */
function seenIn(iso: string | null, since: number | undefined, until: number | undefined): boolean {
  if (since === undefined && until === undefined) return true;
  if (iso === null) return false;
  const t = Date.parse(iso);
  return (since === undefined || t >= since) && (until === undefined || t < until);
}

function emptyPending(): Pending {
  return { templates: new Set(), stats: new Map(), aliases: {} };
}

function markStat(p: Pending, pipelineId: string, templateId: string): void {
  let ids = p.stats.get(pipelineId);
  if (ids === undefined) p.stats.set(pipelineId, (ids = new Set()));
  ids.add(templateId);
}

/** Puts a batch that failed to write back under the changes made since. */
function mergePending(into: Pending, failed: Pending): void {
  for (const id of failed.templates) into.templates.add(id);
  for (const [p, ids] of failed.stats) for (const id of ids) markStat(into, p, id);
  for (const [from, to] of Object.entries(failed.aliases)) into.aliases[from] ??= to;
}
