import { hashKey } from '../shared/index.js';
import type { ExecutionStatus, StageStatus, TelemetryEvent } from './events.js';

/** Identity keys (CONVENTIONS.md, "Events and time"). */
export const eventKeys = {
  byEventId: (eventId: string) => `e:${eventId}`,
  execution: (pipelineId: string, executionId: string) => `x:${pipelineId}:${executionId}`,
  stage: (pipelineId: string, executionId: string, stageId: string) =>
    `s:${pipelineId}:${executionId}:${stageId}`,
  /** Log and metric events without event_id are keyed by their content. */
  content: (kind: string, canonicalContent: string) => `${kind[0]}:${hashKey(canonicalContent)}`,
  /** A record with no id at all is a new event each time. */
  fresh: (uniqueId: string) => `n:${uniqueId}`,
};

const STATUS_RANK: Record<ExecutionStatus | StageStatus, number> = {
  pending: 0,
  queued: 0,
  running: 1,
  completed: 2,
  failed: 2,
  cancelled: 2,
  skipped: 2,
};

export type IdentityDecision = 'new' | 'replace' | 'unchanged';

/**
 * What an incoming event does to the stored state with the same key: a repeat changes nothing,
 * a later state replaces the earlier one, and an earlier state arriving late is ignored.
 */
export function decideIdentity(
  existing: TelemetryEvent | undefined,
  incoming: TelemetryEvent,
): IdentityDecision {
  if (existing === undefined) return 'new';
  if (existing.kind !== incoming.kind) return 'replace';
  if ((existing.kind === 'execution' || existing.kind === 'stage') && existing.kind === incoming.kind) {
    const before = STATUS_RANK[existing.status];
    const after = STATUS_RANK[(incoming as typeof existing).status];
    if (after < before) return 'unchanged';
    if (after > before) return 'replace';
  }
  return sameContent(existing, incoming) ? 'unchanged' : 'replace';
}

function sameContent(a: TelemetryEvent, b: TelemetryEvent): boolean {
  for (const k of Object.keys(b) as (keyof TelemetryEvent)[]) {
    if (k === 'received_at') continue;
    const va = a[k];
    const vb = b[k];
    if (va === vb) continue;
    if (typeof va === 'object' && typeof vb === 'object' && JSON.stringify(va) === JSON.stringify(vb))
      continue;
    return false;
  }
  return true;
}
