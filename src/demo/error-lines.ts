import {
  between,
  datePath,
  grouped,
  hex,
  jvmTrace,
  pick,
  podName,
  pythonTraceback,
  sourceFile,
  type LineContext,
} from './text.js';

/** A stage failure as it shows: a one-line message for the stage row, a full log entry for the logs. */
export interface StageError {
  short: string;
  log: string;
}

const lastLine = (text: string): string => text.slice(text.lastIndexOf('\n') + 1);
const firstLine = (text: string): string => text.split('\n', 1)[0];

/** A Python traceback or a JVM trace, as the pipeline's runtime would print it. */
export function traced(
  ctx: LineContext,
  py: { frames: string[]; error: string },
  jvm: { error: string; frames: string[] },
): StageError {
  if (ctx.spec.runtime === 'python') {
    const log = pythonTraceback(ctx, py.frames, py.error);
    return { short: lastLine(log), log };
  }
  const log = jvmTrace(ctx, jvm.error, jvm.frames);
  return { short: firstLine(log), log };
}

/** Out of memory: the runtime's own error, or the kubelet killing the container. */
export function oomError(ctx: LineContext): StageError {
  const limit = ctx.spec.memoryLimitMi;
  if (ctx.rng.next() < 0.35) {
    const pod = podName(ctx);
    const msg = `Container ${ctx.stage.name.replace(/_/g, '-')} in pod ${pod} was OOMKilled (exit code 137): memory limit ${limit}Mi exceeded`;
    return {
      short: `OOMKilled: container exceeded memory limit ${limit}Mi (exit code 137)`,
      log: `[k8s] Warning OOMKilling node/ip-10-0-${between(ctx.rng, 1, 254)}-${between(ctx.rng, 1, 254)}: ${msg}`,
    };
  }
  const gib = (between(ctx.rng, 60, 640) / 100).toFixed(2);
  const shape = between(ctx.rng, 20_000_000, 400_000_000);
  return traced(
    ctx,
    {
      frames: [
        `    df = df.merge(lookup, on="${ctx.spec.domain.key}", how="left")`,
        `  File "/usr/local/lib/python3.11/site-packages/pandas/core/reshape/merge.py", line ${between(ctx.rng, 900, 1800)}, in get_result`,
        '    join_index, left_indexer, right_indexer = self._get_join_info()',
      ],
      error: `MemoryError: Unable to allocate ${gib} GiB for an array with shape (${shape},) and data type float64`,
    },
    {
      error: pick(ctx.rng, [
        'java.lang.OutOfMemoryError: Java heap space',
        'java.lang.OutOfMemoryError: GC overhead limit exceeded',
      ]),
      frames: [
        `java.base/java.util.Arrays.copyOf(Arrays.java:${between(ctx.rng, 3400, 3600)})`,
        `java.base/java.util.ArrayList.grow(ArrayList.java:${between(ctx.rng, 230, 240)})`,
      ],
    },
  );
}

/** How a definition's expected schema differs from the data. */
export interface SchemaProblem {
  column: string;
  expected: string;
  /** The type found in the data, or null when the column is missing. */
  actual: string | null;
}

/** Validation against a schema that no longer matches the data: missing columns, wrong types. */
export function schemaError(
  ctx: LineContext,
  problems: readonly SchemaProblem[],
  rows: number,
  actualColumns: readonly string[],
): StageError {
  const p = problems[0];
  const batch = `${ctx.spec.domain.entity}/${datePath(ctx.runStartMs)}`;
  const detail = problems
    .map((q) =>
      q.actual === null
        ? `missing column '${q.column}'`
        : `column '${q.column}' expected ${q.expected}, found ${q.actual}`,
    )
    .join('; ');
  const style = ctx.rng.int(3);
  if (style === 0) {
    const error =
      p.actual === null
        ? `ValidationError: expect_column_to_exist failed for column '${p.column}' on batch ${batch} (${grouped(rows)} rows)`
        : `ValidationError: expect_column_values_to_be_of_type failed: column '${p.column}' expected ${p.expected}, found ${p.actual} in ${grouped(rows)} of ${grouped(rows)} rows`;
    return {
      short: error,
      log: `${error}\nSchema check failed with ${problems.length} problem(s): ${detail}`,
    };
  }
  if (style === 1 && p.actual === null) {
    const sql = `SELECT ${[ctx.spec.domain.key, `"${p.column}"`].join(', ')} FROM staging.${ctx.spec.domain.entity}_${datePath(ctx.runStartMs).replace(/\//g, '')}`;
    const log = [
      `psycopg2.errors.UndefinedColumn: column "${p.column}" does not exist`,
      `LINE 1: ${sql}`,
      `HINT:  Perhaps you meant to reference the column "${ctx.spec.domain.entity}.${actualColumns[between(ctx.rng, 0, actualColumns.length - 1)]}".`,
    ].join('\n');
    return { short: firstLine(log), log };
  }
  if (style === 1) {
    const error = `ERROR:  column "${p.column}" is of type ${p.actual} but expression is of type ${p.expected}`;
    return {
      short: error,
      log: `${error}\nHINT:  You will need to rewrite or cast the expression.\nCONTEXT:  COPY ${ctx.spec.domain.entity}, line ${between(ctx.rng, 2, rows)}`,
    };
  }
  const suggestions = actualColumns
    .slice(0, 3)
    .map((c) => `\`${c}\``)
    .join(', ');
  return traced(
    ctx,
    {
      frames: [`    df = df[EXPECTED_COLUMNS].astype(EXPECTED_TYPES)`],
      error:
        p.actual === null
          ? `KeyError: "['${p.column}'] not in index"`
          : `ValueError: invalid literal for column '${p.column}' of type ${p.expected}: '${hex(ctx.rng, 6)}' (found ${p.actual})`,
    },
    {
      error:
        p.actual === null
          ? `org.apache.spark.sql.AnalysisException: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name \`${p.column}\` cannot be resolved. Did you mean one of the following? [${suggestions}].`
          : `org.apache.spark.sql.AnalysisException: [CANNOT_UP_CAST_DATATYPE] Cannot up cast ${p.column} from "${(p.actual ?? '').toUpperCase()}" to "${p.expected.toUpperCase()}".`,
      frames: ['org.apache.spark.sql.catalyst.analysis.CheckAnalysis.failAnalysis(CheckAnalysis.scala:52)'],
    },
  );
}

/** Retries used up: the last attempt's cause, wrapped by the retry library. */
export function retriesExhausted(ctx: LineContext, attempts: number, cause: string): StageError {
  if (ctx.spec.runtime === 'python') {
    const error = `tenacity.RetryError: RetryError[<Future at 0x7f${hex(ctx.rng, 10)} state=finished raised after ${attempts} attempts>]: ${cause}`;
    return { short: error, log: pythonTraceback(ctx, ['    return self._fetch_with_retry(cursor)'], error) };
  }
  const error = `io.github.resilience4j.retry.MaxRetriesExceededException: Retry '${ctx.spec.name}-${ctx.stage.name}' has exhausted all attempts (${attempts}): ${cause}`;
  return {
    short: error,
    log: jvmTrace(ctx, error, [
      'io.github.resilience4j.retry.internal.RetryImpl$ContextImpl.onError(RetryImpl.java:233)',
    ]),
  };
}

/** The orchestrator killed a stage that ran past the pipeline's timeout. */
export function timeoutError(ctx: LineContext, timeoutSeconds: number, pod: string): StageError {
  const short = `TimeoutError: stage ${ctx.stage.name} terminated after exceeding pipeline timeout_seconds=${timeoutSeconds}`;
  return {
    short,
    log: `${short} (execution ${ctx.executionId}, pod ${pod}, SIGTERM then SIGKILL after 30s grace period)`,
  };
}

/** A plain bug or a broken deploy; `flavour` fixes which, so a burst repeats one cause with varying details. */
export function genericError(ctx: LineContext, flavour: number): StageError {
  const n = between(ctx.rng, 1000, 999_999);
  const key = ctx.spec.domain.key;
  switch (flavour % 6) {
    case 0:
      return traced(
        ctx,
        {
          frames: [`    price = price_index[row["${key}"]]`],
          error: `KeyError: '${key.replace('_id', '')}_${n}'`,
        },
        {
          error: `java.lang.NullPointerException: Cannot invoke "String.length()" because "record.${key}" is null`,
          frames: [`java.base/java.lang.String.compareTo(String.java:${between(ctx.rng, 1900, 2100)})`],
        },
      );
    case 1:
      return traced(
        ctx,
        {
          frames: ['    amount = float(row["amount"])'],
          error: `ValueError: could not convert string to float: '${pick(ctx.rng, ['N/A', '', '1,234.00', 'null', '--'])}' (row ${grouped(n)})`,
        },
        {
          error: `java.lang.NumberFormatException: For input string: "${pick(ctx.rng, ['N/A', '1,234.00', 'null'])}" (row ${n})`,
          frames: ['java.base/java.lang.Double.parseDouble(Double.java:651)'],
        },
      );
    case 2: {
      const pod = podName(ctx);
      const msg = `Back-off restarting failed container ${ctx.stage.name.replace(/_/g, '-')} in pod ${pod} (CrashLoopBackOff, restarts: ${between(ctx.rng, 3, 12)})`;
      return {
        short: `CrashLoopBackOff: container ${ctx.stage.name.replace(/_/g, '-')} keeps exiting with code 1`,
        log: `[k8s] Warning BackOff pod/${pod}: ${msg}`,
      };
    }
    case 3: {
      const tag = `1.${between(ctx.rng, 10, 30)}.${between(ctx.rng, 0, 9)}`;
      const image = `registry.internal/flexiroaster/${ctx.spec.name}:${tag}`;
      const msg = `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`;
      return {
        short: `ErrImagePull: ${image} not found`,
        log: `[k8s] Warning Failed pod/${podName(ctx)}: ${msg}`,
      };
    }
    case 4: {
      const table = `${ctx.spec.domain.entity}`;
      const log = `psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "${table}_pkey"\nDETAIL:  Key (${key})=(${n}) already exists.`;
      return { short: firstLine(log), log };
    }
    default:
      return traced(
        ctx,
        {
          frames: [`    ratio = stats["converted"] / stats["visits"]`],
          error: 'ZeroDivisionError: division by zero',
        },
        {
          error: `java.lang.IllegalStateException: Duplicate key ${n} (attempted merging values ${sourceFile(ctx).cls}$Row@${hex(ctx.rng, 7)} and ${sourceFile(ctx).cls}$Row@${hex(ctx.rng, 7)})`,
          frames: ['java.base/java.util.stream.Collectors.duplicateKeyException(Collectors.java:135)'],
        },
      );
  }
}
