import { SeededRng, type Rng } from '../shared/index.js';
import type { Drift } from './definition.js';
import type { PipelineSpec } from './fleet-spec.js';
import { shortHex, subSeed } from './ids.js';
import type { FaultEpisode, FaultKind } from './types.js';

/** How an episode hits its pipeline. */
export interface FaultParams {
  /** Indices of the stages it hits. */
  stages: number[];
  /** Slowdown: the duration factor reached at the episode's end. */
  peak: number;
  /** Which variant of the cause; one episode repeats one cause with varying details. */
  flavour: number;
  drift: Drift | null;
}

/** A fault episode with what the simulation needs; `end` moves earlier when a fix ends it. */
export interface Episode extends FaultEpisode {
  plannedEnd: number;
  params: FaultParams;
  /** A schema drift stays open until the definition expects the true schema again. */
  open: boolean;
}

const MIN = 60_000;
/** Episode length range in minutes; stretched so that every episode covers a few runs. */
const DURATION_MIN: Record<FaultKind, readonly [number, number]> = {
  slowdown: [30, 90],
  failure_burst: [10, 30],
  retry_storm: [10, 40],
  oom: [15, 45],
  auth_failure: [15, 60],
  schema_drift: [30, 120],
  upstream_outage: [5, 30],
};
const RENAMES = [
  (c: string) => c.replace(/_([a-z])/g, (_m, ch: string) => ch.toUpperCase()),
  (c: string) => `${c}_v2`,
  (c: string) => `src_${c}`,
];
const RETYPES: Record<string, string> = {
  bigint: 'text',
  integer: 'bigint',
  text: 'jsonb',
  'char(3)': 'text',
  timestamptz: 'date',
  boolean: 'smallint',
  'double precision': 'numeric(18,6)',
};
const ADDED = ['tenant_id', 'discount_code', 'source_system', 'ingested_at'];

/** The fault episodes of one pipeline: planned lazily from the pipeline's own generator, plus injected ones. */
export class FaultPlan {
  /** Episodes that have started, in start order. */
  readonly started: Episode[] = [];
  private readonly rng: Rng;
  private upcoming: Episode | null = null;
  private planned = 0;
  private injected = 0;

  constructor(
    private readonly seed: number,
    private readonly spec: PipelineSpec,
    private readonly kinds: readonly FaultKind[],
    private readonly ratePerHour: number,
    private readonly originMs: number,
  ) {
    this.rng = new SeededRng(subSeed(seed, spec.index, 'faults'));
  }

  /** The next planned episode that has not started yet, or null when faults are off. */
  next(): Episode | null {
    if (this.ratePerHour <= 0 || this.kinds.length === 0) return null;
    if (this.upcoming === null) {
      const prev = this.started.filter((e) => e.fault_id.startsWith('flt_')).at(-1);
      const from = prev === undefined ? this.originMs : prev.plannedEnd + 5 * MIN;
      const gapMs = (-Math.log(1 - this.rng.next()) / this.ratePerHour) * 60 * MIN;
      const kind = this.kinds[this.rng.int(this.kinds.length)];
      this.upcoming = this.episode(
        kind,
        Math.round(from + gapMs),
        null,
        this.rng,
        `flt_${shortHex(`${this.seed}:${this.spec.index}:${this.planned++}`, 10)}`,
      );
    }
    return this.upcoming;
  }

  /** Marks the upcoming episode started. */
  begin(): Episode {
    const e = this.next();
    if (e === null) throw new Error('no upcoming fault episode');
    this.upcoming = null;
    this.started.push(e);
    return e;
  }

  /** Starts an episode of `kind` at `atMs` outside the plan. */
  inject(kind: FaultKind, atMs: number, durationMs: number | null): Episode {
    const rng = new SeededRng(subSeed(this.seed, this.spec.index, 'inject', this.injected));
    const e = this.episode(
      kind,
      atMs,
      durationMs,
      rng,
      `inj_${shortHex(`${this.seed}:${this.spec.index}:inject:${this.injected++}`, 10)}`,
    );
    this.started.push(e);
    return e;
  }

  /** The episode in force at `tMs` (the latest started one if several overlap), or null. */
  activeAt(tMs: number): Episode | null {
    for (let i = this.started.length - 1; i >= 0; i--) {
      const e = this.started[i];
      if (e.start <= tMs && tMs < e.end) return e;
    }
    return null;
  }

  /** Open schema drifts, earliest planned end first. */
  openDrifts(): Episode[] {
    const open = this.started.filter((e) => e.open);
    return open.length < 2 ? open : open.sort((a, b) => a.plannedEnd - b.plannedEnd);
  }

  /** The earliest planned end of an open schema drift (Infinity when none is open). */
  nextDriftEnd(): number {
    let end = Infinity;
    for (let i = this.started.length - 1; i >= 0; i--)
      if (this.started[i].open) end = Math.min(end, this.started[i].plannedEnd);
    return end;
  }

  private episode(kind: FaultKind, start: number, durationMs: number | null, rng: Rng, id: string): Episode {
    const [lo, hi] = DURATION_MIN[kind];
    const planned = Math.max(
      (lo + (hi - lo) * rng.next()) * MIN,
      this.spec.intervalMs * (3 + 3 * rng.next()),
    );
    const end = start + Math.round(durationMs ?? planned);
    return {
      fault_id: id,
      fault: kind,
      pipeline_id: this.spec.id,
      start,
      end,
      plannedEnd: end,
      params: this.params(kind, rng),
      open: kind === 'schema_drift',
    };
  }

  private params(kind: FaultKind, rng: Rng): FaultParams {
    const stages = this.spec.stages;
    const nonInput = stages.filter((s) => s.type !== 'input').map((s) => s.order_index);
    const base: FaultParams = { stages: [], peak: 1, flavour: rng.int(1000), drift: null };
    switch (kind) {
      case 'slowdown': {
        const heaviest = [...nonInput].sort((a, b) => stages[b].baselineMs - stages[a].baselineMs);
        return { ...base, stages: heaviest.slice(0, 1 + rng.int(2)), peak: 3 + 3 * rng.next() };
      }
      case 'oom': {
        const candidates = stages.filter((s) => s.type === 'transform' || s.type === 'validation');
        const hungriest = candidates.reduce((a, b) => (b.memory > a.memory ? b : a));
        return { ...base, stages: [hungriest.order_index] };
      }
      case 'failure_burst': {
        // A burst fails whole runs, so it strikes a stage the run cannot go on without.
        const critical = nonInput.filter((j) => stages[j].critical);
        return { ...base, stages: [critical[rng.int(critical.length)]] };
      }
      case 'auth_failure':
        return { ...base, stages: [0] };
      case 'schema_drift':
        return {
          ...base,
          stages: [stages.findIndex((s) => s.type === 'validation')],
          drift: this.drift(rng),
        };
      case 'retry_storm':
      case 'upstream_outage':
        return { ...base, stages: stages.filter((s) => s.external).map((s) => s.order_index) };
    }
  }

  private drift(rng: Rng): Drift {
    const columns = this.spec.schema.slice(1);
    const column = columns[rng.int(columns.length)];
    const roll = rng.next();
    if (roll < 0.5) {
      const to = RENAMES[rng.int(RENAMES.length)](column.name);
      return { kind: 'rename', column: column.name, to: to === column.name ? `${to}_v2` : to };
    }
    const retyped = Object.keys(RETYPES).find((t) => t === column.type);
    if (roll < 0.8 && retyped !== undefined)
      return { kind: 'retype', column: column.name, to: RETYPES[retyped] };
    if (roll < 0.8 && column.type.startsWith('numeric'))
      return { kind: 'retype', column: column.name, to: 'text' };
    const added = ADDED.filter((a) => !this.spec.schema.some((c) => c.name === a));
    return { kind: 'add', column: column.name, to: added[rng.int(added.length)] };
  }
}
