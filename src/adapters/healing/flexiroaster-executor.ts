import type {
  ActionExecutor,
  ActionRequest,
  ExecutionResult,
  ExecutorCall,
  PipelineCatalog,
} from '../../ports/index.js';
import { callWithRetry, DEFAULT_RETRY_POLICY, joinUrl, type RetryPolicy } from './http-call.js';

export interface FlexiRoasterExecutorOptions {
  /**
   * The orchestrator's API base, e.g. `http://orchestrator:8000/api`; a function when it is known
   * only later (the demo's own control API, once the service listens).
   */
  baseUrl: string | (() => string);
  /** Current and previous definitions (rollback, skip, timeout). */
  catalog: PipelineCatalog;
  /** Bearer token for the orchestrator, when it wants one. */
  token?: string | null;
  retry?: Partial<RetryPolicy>;
}

/** How much longer `increase_timeout` makes the timeout when the action names no value. */
const DEFAULT_TIMEOUT_FACTOR = 1.5;
/** The orchestrator's upper bound on timeout_seconds (one week). */
const MAX_TIMEOUT_SECONDS = 604_800;

type Planned = { call: ExecutorCall } | { error: string };

/** The action ids this executor carries out (CONVENTIONS.md "Actions"). */
export const FLEXIROASTER_ACTIONS = [
  'retry_stage',
  'pause_pipeline',
  'resume_pipeline',
  'terminate_execution',
  'rollback_pipeline',
  'increase_timeout',
  'skip_stage',
] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Carries actions out through the FlexiRoaster orchestrator's control API (SEED_API.md):
 * retry_stage starts a new run (no stage-level retry there), pause/resume (de)activate the
 * pipeline, terminate stops the execution, and rollback, longer timeout and skip PUT a definition.
 */
export class FlexiRoasterExecutor implements ActionExecutor {
  readonly name = 'flexiroaster';
  private readonly policy: RetryPolicy;

  constructor(private readonly options: FlexiRoasterExecutorOptions) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  supports(action: string): boolean {
    return (FLEXIROASTER_ACTIONS as readonly string[]).includes(action);
  }

  async execute(request: ActionRequest, signal: AbortSignal): Promise<ExecutionResult> {
    const planned = await this.plan(request);
    if ('error' in planned) {
      return {
        ok: false,
        executor: this.name,
        status_code: null,
        response_excerpt: null,
        attempts: 0,
        error: planned.error,
        request: null,
      };
    }
    const { token } = this.options;
    return callWithRetry(
      this.name,
      planned.call,
      () => ({
        'idempotency-key': request.idempotency_key,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      }),
      this.policy,
      signal,
    );
  }

  /** The control call for the action, or why there is none. */
  private async plan(r: ActionRequest): Promise<Planned> {
    const base = typeof this.options.baseUrl === 'string' ? this.options.baseUrl : this.options.baseUrl();
    const pid = encodeURIComponent(r.pipeline_id);
    const post = (path: string): Planned => ({
      call: { method: 'POST', url: joinUrl(base, path), body: undefined },
    });
    const put = (body: Record<string, unknown>): Planned => ({
      call: { method: 'PUT', url: joinUrl(base, `/pipelines/${pid}`), body },
    });
    switch (r.action) {
      case 'retry_stage':
        return post(`/executions/${pid}/execute`);
      case 'pause_pipeline':
        return post(`/pipelines/${pid}/deactivate`);
      case 'resume_pipeline':
        return post(`/pipelines/${pid}/activate`);
      case 'terminate_execution':
        return r.execution_id === null
          ? { error: 'terminate_execution needs an execution id' }
          : post(`/executions/${encodeURIComponent(r.execution_id)}/stop`);
      case 'rollback_pipeline': {
        const previous = await this.options.catalog.previousVersion(r.pipeline_id);
        if (previous === null)
          return { error: `no earlier definition of pipeline ${r.pipeline_id} is known` };
        return put({
          definition: previous.definition,
          ...(previous.timeout_seconds === null ? {} : { timeout_seconds: previous.timeout_seconds }),
        });
      }
      case 'increase_timeout': {
        const current = await this.options.catalog.getPipeline(r.pipeline_id);
        const seconds = longerTimeout(current?.timeout_seconds ?? null, r.params);
        return seconds === null
          ? { error: `the timeout of pipeline ${r.pipeline_id} is unknown and the action names none` }
          : put({ timeout_seconds: seconds });
      }
      case 'skip_stage': {
        const stage = stageRef(r);
        if (stage === null) return { error: 'skip_stage needs a stage (params.stage or a stage id)' };
        const current = await this.options.catalog.getPipeline(r.pipeline_id);
        if (current === null) return { error: `pipeline ${r.pipeline_id} is unknown to the catalog` };
        const definition = markSkipped(current.definition, stage);
        return definition === null
          ? { error: `pipeline ${r.pipeline_id} has no stage "${stage}"` }
          : put({ definition });
      }
      default:
        return { error: `the orchestrator has no call for ${r.action}` };
    }
  }
}

/** The new timeout: params.timeout_seconds, else the current one × params.factor (default 1.5). */
function longerTimeout(current: number | null, params: Readonly<Record<string, unknown>>): number | null {
  const asked = params.timeout_seconds;
  if (typeof asked === 'number' && Number.isFinite(asked) && asked > 0)
    return Math.min(Math.round(asked), MAX_TIMEOUT_SECONDS);
  if (current === null || current <= 0) return null;
  const factor =
    typeof params.factor === 'number' && params.factor > 1 ? params.factor : DEFAULT_TIMEOUT_FACTOR;
  return Math.min(Math.max(current + 1, Math.round(current * factor)), MAX_TIMEOUT_SECONDS);
}

function stageRef(r: ActionRequest): string | null {
  const named = r.params.stage ?? r.params.stage_id ?? r.params.stage_name;
  if (typeof named === 'string' && named !== '') return named;
  return r.stage_id;
}

/** A copy of the definition with the stage (by id or name) marked skipped, or null when it has none. */
function markSkipped(definition: Record<string, unknown>, stage: string): Record<string, unknown> | null {
  const stages = Array.isArray(definition.stages) ? definition.stages : [];
  let found = false;
  const marked = stages.map((s: unknown) => {
    if (isObject(s) && (s.id === stage || s.name === stage)) {
      found = true;
      return { ...s, skip: true };
    }
    return s;
  });
  return found ? { ...definition, stages: marked } : null;
}
