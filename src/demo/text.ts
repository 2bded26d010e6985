import type { Rng } from '../shared/index.js';
import type { PipelineSpec, StageSpec } from './fleet-spec.js';

/** What a log line generator needs to know about where it is. */
export interface LineContext {
  rng: Rng;
  spec: PipelineSpec;
  stage: StageSpec;
  /** Run start (epoch ms): dates in paths and partitions come from it. */
  runStartMs: number;
  executionId: string;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Picks one item. */
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)];

/** Integer in [lo, hi]. */
export const between = (rng: Rng, lo: number, hi: number): number => lo + rng.int(hi - lo + 1);

/** Random lowercase alphanumerics, like Kubernetes name suffixes. */
export function token(rng: Rng, length: number, alphabet = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[rng.int(alphabet.length)];
  return out;
}

/** Random hex, like request ids. */
export const hex = (rng: Rng, length: number): string => token(rng, length, '0123456789abcdef');

/** 1234567 → "1,234,567" (without Intl, which is slow on this hot path). */
export const grouped = (n: number): string => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Seconds with one decimal. */
export const secs = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/** A pod name as Kubernetes makes it: `<pipeline>-<stage>-<replicaset hash>-<pod suffix>`. */
export function podName(ctx: LineContext): string {
  const stage = ctx.stage.name.replace(/_/g, '-').slice(0, 20);
  return `${ctx.spec.name}-${stage}-${token(ctx.rng, 10, '0123456789abcdef')}-${token(ctx.rng, 5)}`;
}

/** The run's date partition, e.g. `2026/01/05`. */
export function datePath(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');
}

/** The stage's source file in the pipeline repository, per runtime. */
export function sourceFile(ctx: LineContext): { path: string; cls: string } {
  const module = ctx.spec.name.replace(/-/g, '_');
  const cls = ctx.stage.name
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return ctx.spec.runtime === 'python'
    ? { path: `/opt/flexiroaster/pipelines/${module}/${ctx.stage.name}.py`, cls }
    : {
        path: `com/flexiroaster/pipelines/${module}/${cls}.java`,
        cls: `com.flexiroaster.pipelines.${module}.${cls}`,
      };
}

/** A Python traceback ending in `error`, through the runner and the stage's own code. */
export function pythonTraceback(ctx: LineContext, frames: readonly string[], error: string): string {
  const { path } = sourceFile(ctx);
  const lines = [
    'Traceback (most recent call last):',
    `  File "/opt/flexiroaster/runner/stage.py", line ${between(ctx.rng, 80, 120)}, in execute`,
    '    result = self.run(batch)',
    `  File "${path}", line ${between(ctx.rng, 40, 400)}, in run`,
    ...frames,
    error,
  ];
  return lines.join('\n');
}

/** A JVM stack trace headed by `error`, with `frames` on top of the runner's. */
export function jvmTrace(ctx: LineContext, error: string, frames: readonly string[]): string {
  const { cls } = sourceFile(ctx);
  const simple = cls.slice(cls.lastIndexOf('.') + 1);
  return [
    error,
    ...frames.map((f) => `\tat ${f}`),
    `\tat ${cls}.process(${simple}.java:${between(ctx.rng, 40, 400)})`,
    `\tat com.flexiroaster.runtime.StageRunner.run(StageRunner.java:${between(ctx.rng, 90, 110)})`,
    '\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)',
  ].join('\n');
}
