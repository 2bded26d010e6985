import { between, datePath, grouped, hex, secs, type LineContext } from './text.js';

/** What a stage says when it begins, in the words of its kind of work. */
export function stageStartLine(ctx: LineContext, records: number, mb: number): string {
  const { stage, spec } = ctx;
  const src = spec.source;
  const sink = spec.sink;
  switch (stage.type) {
    case 'input':
      switch (src.kind) {
        case 's3':
          return `Listing s3://${src.target}/${datePath(ctx.runStartMs)}/ - ${between(ctx.rng, 4, 64)} objects, ${mb.toFixed(1)} MB`;
        case 'postgres':
          return `Reading ${src.target} changes since LSN ${hex(ctx.rng, 2).toUpperCase()}/${hex(ctx.rng, 8).toUpperCase()} (batch size ${between(ctx.rng, 1, 10) * 1000})`;
        case 'http':
          return `GET https://${src.host}${src.target}?updated_since=${new Date(ctx.runStartMs - 3_600_000).toISOString()}: ${Math.max(1, Math.ceil(records / 1000))} pages to fetch`;
        default:
          return `Consuming ${src.target} partitions 0-${between(ctx.rng, 3, 23)} from committed offsets (lag ${grouped(records)} messages)`;
      }
    case 'transform':
      return `Starting ${stage.name} on ${grouped(records)} records (${between(ctx.rng, 2, 16)} workers)`;
    case 'validation':
      return `Validating ${grouped(records)} records against ${spec.schema.length} expected columns`;
    case 'output':
      switch (sink.kind) {
        case 'postgres':
          return `Writing ${grouped(records)} rows to ${sink.target} (upsert on ${spec.domain.key})`;
        case 's3':
          return `Writing ${grouped(records)} rows to s3://${sink.target}/${datePath(ctx.runStartMs)}/ as parquet (snappy)`;
        case 'bigquery':
          return `Loading ${grouped(records)} rows into ${sink.target} (WRITE_APPEND, job ${hex(ctx.rng, 8)})`;
        default:
          return `Publishing ${grouped(records)} messages to ${sink.target}`;
      }
  }
}

/** A mid-stage progress line. */
export function progressLine(done: number, total: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  return `Processed ${grouped(done)}/${grouped(total)} records (${Math.round((100 * done) / Math.max(total, 1))}%) in ${secs(elapsedMs)} - ${grouped(rate)} rec/s`;
}

/** The SUCCESS line of a finished stage. */
export function stageDoneLine(ctx: LineContext, durationMs: number, records: number, mb: number): string {
  if (ctx.stage.type === 'validation')
    return `Validation passed for ${ctx.stage.name}: ${grouped(records)} rows, 0 schema violations, ${between(ctx.rng, 0, 40)} rows with null keys dropped (${secs(durationMs)})`;
  return `Stage ${ctx.stage.name} completed in ${secs(durationMs)}: ${grouped(records)} records, ${mb.toFixed(1)} MB`;
}

/** A WARN a slow stage leaves behind. */
export function slowLine(ctx: LineContext, factor: number): string {
  switch (ctx.rng.int(3)) {
    case 0:
      return `Slow query (${grouped(between(ctx.rng, 2_000, 40_000) * factor)} ms): SELECT * FROM ${ctx.spec.domain.entity} WHERE updated_at > $1 ORDER BY ${ctx.spec.domain.key} LIMIT 5000`;
    case 1:
      return `GC pause ${((between(ctx.rng, 50, 300) / 100) * factor).toFixed(2)}s (G1 Evacuation Pause) in ${ctx.stage.name}`;
    default:
      return `Stage ${ctx.stage.name} running ${factor.toFixed(1)}x slower than its 7-day median`;
  }
}

/** A WARN before a retry. */
export function retryLine(
  ctx: LineContext,
  attempt: number,
  max: number,
  backoffMs: number,
  cause: string,
): string {
  return `Retrying ${ctx.stage.name} (attempt ${attempt}/${max}) in ${secs(backoffMs)} after error: ${cause}`;
}

/** A WARN on memory pressure. */
export function memoryLine(ctx: LineContext, percent: number): string {
  const used = Math.round((ctx.spec.memoryLimitMi * percent) / 100);
  return `Memory usage at ${Math.round(percent)}% of limit (${grouped(used)}Mi/${grouped(ctx.spec.memoryLimitMi)}Mi) in ${ctx.stage.name}`;
}
