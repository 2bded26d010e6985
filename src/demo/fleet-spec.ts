import { SeededRng, type Rng } from '../shared/index.js';
import {
  COLUMN_POOL,
  DOMAINS,
  INTERVALS_MIN,
  STAGE_NAMES,
  type Column,
  type Domain,
  type SinkKind,
  type SourceKind,
} from './catalog.js';
import { stableUuid, subSeed } from './ids.js';
import type { StageType } from './types.js';

/** A stage's fixed character: what it is and how it behaves when nothing is wrong. */
export interface StageSpec {
  id: string;
  name: string;
  type: StageType;
  order_index: number;
  critical: boolean;
  /** Configured retries (pipeline_stages.retry_count). */
  max_retries: number;
  /** Typical duration at the daily mean load. */
  baselineMs: number;
  cpu: number;
  memory: number;
  latencyMs: number;
  /** Share of the run's records this stage handles (dedupe and aggregation shrink them). */
  recordFactor: number;
  /** Whether it talks to another system (and so sees outages of it). */
  external: boolean;
}

/** An endpoint a pipeline reads from or writes to. */
export interface Endpoint {
  kind: SourceKind | SinkKind;
  host: string;
  port: number;
  ip: string;
  /** Bucket/prefix, table, topic or URL path. */
  target: string;
}

/** A simulated pipeline's fixed character; its definition (which can change) lives in the fleet state. */
export interface PipelineSpec {
  index: number;
  id: string;
  name: string;
  description: string;
  domain: Domain;
  tags: string[];
  trigger: 'scheduled' | 'webhook';
  intervalMs: number;
  cron: string | null;
  /** Records per run at the daily mean load. */
  records: number;
  bytesPerRecord: number;
  /** The schema the source data really has; a definition expecting another fails validation. */
  schema: Column[];
  stages: StageSpec[];
  source: Endpoint;
  sink: Endpoint;
  runtime: 'python' | 'jvm';
  memoryLimitMi: number;
  /** Workers the pipeline's stages run on at the start; scale_workers adds more. */
  workers: number;
  createdAt: number;
  initialTimeoutSeconds: number;
  /** Definition versions the pipeline had before the simulation starts (≥ 1). */
  initialVersions: number;
}

const DAY = 86_400_000;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)];
const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();

function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function weighted(rng: Rng, table: readonly (readonly [number, number])[]): number {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let r = rng.next() * total;
  for (const [value, w] of table) {
    r -= w;
    if (r < 0) return value;
  }
  return table[table.length - 1][0];
}

/** Builds pipeline `index` of the fleet for `seed`; it does not depend on the fleet's size. */
export function buildPipelineSpec(seed: number, index: number, startMs: number): PipelineSpec {
  const rng = new SeededRng(subSeed(seed, 'pipeline', index));
  const offset = subSeed(seed, 'names') % DOMAINS.length;
  const domain = DOMAINS[(index + offset) % DOMAINS.length];
  const round = Math.floor(index / DOMAINS.length);
  const name = round === 0 ? domain.name : `${domain.name}-${round + 1}`;
  const id = stableUuid(`pipeline:${seed}:${index}`);
  const intervalMin = weighted(rng, INTERVALS_MIN);
  const trigger = rng.next() < 0.2 ? 'webhook' : 'scheduled';
  const expectedTotalMs = intervalMin * 60_000 * uniform(rng, 0.1, 0.28);
  const stages = buildStages(rng, seed, index, domain, expectedTotalMs);
  const tight = rng.next() < 0.4;
  const expectedS = expectedTotalMs / 1000;
  const initialTimeoutSeconds = tight
    ? Math.max(60, Math.ceil((expectedS * 2.2) / 30) * 30)
    : expectedS * 6 < 3600
      ? 3600
      : 7200;
  return {
    index,
    id,
    name,
    description: `${domain.entity.replace('_', ' ')} pipeline owned by the ${domain.team} team`,
    domain,
    tags: [
      domain.team,
      trigger === 'webhook' ? 'event-driven' : 'batch',
      rng.next() < 0.3 ? 'tier-1' : 'tier-2',
    ],
    trigger,
    intervalMs: intervalMin * 60_000,
    cron: trigger === 'scheduled' ? `*/${intervalMin} * * * *` : null,
    records: Math.round(10 ** uniform(rng, 3.5, 6.2)),
    bytesPerRecord: Math.round(uniform(rng, 200, 2000)),
    schema: buildSchema(rng, domain),
    stages,
    source: endpoint(rng, domain.source, domain, 'source'),
    sink: endpoint(rng, domain.sink, domain, 'sink'),
    runtime: rng.next() < 0.6 ? 'python' : 'jvm',
    memoryLimitMi: pick(rng, [1024, 2048, 4096, 8192]),
    // From its own stream, so adding it changed nothing else a seed produces.
    workers: 2 + (subSeed(seed, 'workers', index) % 3),
    createdAt: startMs - Math.round(uniform(rng, 30, 400)) * DAY,
    initialTimeoutSeconds,
    initialVersions: 1 + rng.int(4),
  };
}

function buildSchema(rng: Rng, domain: Domain): Column[] {
  const keyType = domain.key === 'sku' ? 'text' : 'bigint';
  const extra = shuffled(
    rng,
    COLUMN_POOL.filter((c) => c.name !== domain.key),
  ).slice(0, 4 + rng.int(4));
  return [{ name: domain.key, type: keyType }, ...extra];
}

interface StageDraft {
  name: string;
  type: StageType;
  critical: boolean;
  external: boolean;
  weight: number;
}

function buildStages(
  rng: Rng,
  seed: number,
  index: number,
  domain: Domain,
  expectedTotalMs: number,
): StageSpec[] {
  const n = 3 + rng.int(6);
  const e = (template: string): string => template.replace('{e}', domain.entity);
  const side = n >= 6 && rng.next() < 0.5;
  const middle = n - 2 - (side ? 1 : 0);
  const validations = middle >= 4 ? 2 : 1;
  const transforms = shuffled(rng, STAGE_NAMES.transform).slice(0, middle - validations);
  const drafts: StageDraft[] = [
    {
      name: e(pick(rng, STAGE_NAMES.input[domain.source])),
      type: 'input',
      critical: true,
      external: true,
      weight: uniform(rng, 1, 1.5),
    },
    {
      name: 'validate_schema',
      type: 'validation',
      critical: true,
      external: false,
      weight: uniform(rng, 0.3, 0.6),
    },
    ...transforms.map((t) => ({
      name: e(t.name),
      type: 'transform' as const,
      critical: t.external ? rng.next() < 0.5 : rng.next() < 0.85,
      external: t.external,
      weight: uniform(rng, 1.5, 3),
    })),
  ];
  if (validations === 2) {
    const name = e(pick(rng, STAGE_NAMES.validation.slice(1)));
    drafts.push({
      name,
      type: 'validation',
      critical: true,
      external: false,
      weight: uniform(rng, 0.4, 0.8),
    });
  }
  drafts.push({
    name: e(pick(rng, STAGE_NAMES.output[domain.sink])),
    type: 'output',
    critical: true,
    external: true,
    weight: uniform(rng, 0.8, 1.5),
  });
  if (side) {
    const name = pick(rng, STAGE_NAMES.sideOutput);
    drafts.push({ name, type: 'output', critical: false, external: true, weight: uniform(rng, 0.2, 0.4) });
  }
  const totalWeight = drafts.reduce((s, d) => s + d.weight, 0);
  return drafts.map((d, j) => ({
    id: stableUuid(`stage:${seed}:${index}:${j}`),
    name: d.name,
    type: d.type,
    order_index: j,
    critical: d.critical,
    max_retries: 2 + rng.int(4),
    baselineMs: Math.max(1500, Math.round((expectedTotalMs * d.weight) / totalWeight)),
    ...resources(rng, d.type),
    latencyMs: latency(rng, d, domain),
    recordFactor:
      d.type === 'transform' && /dedupe|aggregate|sessionize/.test(d.name) ? uniform(rng, 0.3, 0.9) : 1,
    external: d.external,
  }));
}

function resources(rng: Rng, type: StageType): { cpu: number; memory: number } {
  switch (type) {
    case 'input':
      return { cpu: uniform(rng, 20, 40), memory: uniform(rng, 20, 35) };
    case 'transform':
      return { cpu: uniform(rng, 40, 75), memory: uniform(rng, 35, 62) };
    case 'validation':
      return { cpu: uniform(rng, 25, 50), memory: uniform(rng, 25, 45) };
    case 'output':
      return { cpu: uniform(rng, 15, 35), memory: uniform(rng, 20, 40) };
  }
}

function latency(rng: Rng, d: StageDraft, domain: Domain): number {
  if (d.type === 'input') {
    const range = { s3: [80, 200], postgres: [5, 40], http: [150, 600], kafka: [10, 50] }[domain.source];
    return uniform(rng, range[0], range[1]);
  }
  if (d.type === 'output') return uniform(rng, 20, 150);
  if (d.type === 'validation') return uniform(rng, 2, 20);
  return d.external ? uniform(rng, 40, 250) : uniform(rng, 5, 60);
}

function endpoint(rng: Rng, kind: SourceKind | SinkKind, domain: Domain, role: 'source' | 'sink'): Endpoint {
  const ip = `10.${rng.int(8)}.${rng.int(250) + 1}.${rng.int(250) + 2}`;
  const entity = domain.entity.replace('_', '-');
  switch (kind) {
    case 's3':
      return {
        kind,
        host: 's3.eu-west-1.amazonaws.com',
        port: 443,
        ip,
        target: `${role === 'source' ? 'raw' : 'curated'}-${entity}-prod`,
      };
    case 'postgres':
      return {
        kind,
        host: `pg-${entity}-${role === 'source' ? 'replica' : 'primary'}.internal`,
        port: 5432,
        ip,
        target: `${role === 'source' ? 'public' : 'analytics'}.${domain.entity}`,
      };
    case 'http': {
      const partner = pick(rng, ['stripe-proxy', 'partnerhub', 'shipfast', 'adnet', 'crmcloud', 'pricefeed']);
      return { kind, host: `api.${partner}.example.com`, port: 443, ip, target: `/v2/${domain.entity}` };
    }
    case 'kafka':
      return {
        kind,
        host: `kafka-${rng.int(3)}.kafka.svc.cluster.local`,
        port: 9092,
        ip,
        target: `${domain.entity}.v1`,
      };
    case 'bigquery':
      return {
        kind,
        host: 'bigquery.googleapis.com',
        port: 443,
        ip,
        target: `analytics.${domain.entity}_daily`,
      };
  }
}
