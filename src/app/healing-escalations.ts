import type { DecidedAction } from '../healing/index.js';
import type { IncidentRow } from '../ports/index.js';
import type { Clock } from '../shared/index.js';
import type { HealingStores } from './healing-stores.js';

/** Kind of the incidents the loop raises for humans (next to the anomaly service's kinds). */
export const HEALING_INCIDENT_KIND = 'healing';
/** The pipeline id of the fleet-wide incident (the remediation cap was reached). */
export const FLEET = '(fleet)';

/**
 * What the loop hands to humans: an audit record for each escalation and one open incident per
 * pipeline (or for the fleet when the remediation cap is reached), updated while it repeats and
 * resolved when a fix succeeds or the fleet is back under its cap.
 */
export class HealingEscalations {
  private readonly open = new Map<string, IncidentRow>();

  constructor(
    private readonly stores: HealingStores,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  /** Picks up the loop's incidents a previous run left open. */
  async start(): Promise<void> {
    for (const i of await this.stores.incidents.openIncidents())
      if (i.kind === HEALING_INCIDENT_KIND) this.open.set(i.pipeline_id, i);
  }

  /** A pipeline needs a human. */
  async toHuman(pipelineId: string, reason: string, detail: Record<string, unknown>): Promise<void> {
    await this.audit(pipelineId, 'escalated', reason, detail);
    await this.raise(pipelineId, `Self-healing needs a human: ${reason}`);
  }

  /** The fleet-wide cap on pipelines under remediation held an action back. */
  async fleetCapReached(a: DecidedAction, remediating: readonly string[], cap: number): Promise<void> {
    const reason = `${remediating.length} pipelines under remediation (cap ${cap}); ${a.spec.action} on ${a.pipeline_id} held back`;
    await this.audit(FLEET, 'incident', reason, { remediating, held_back: a.idempotency_key });
    await this.raise(FLEET, `Fleet-wide outage: remediation cap of ${cap} pipelines reached`);
  }

  /** Resolves the fleet incident once fewer pipelines than the cap are under remediation. */
  async settleFleet(remediating: number, cap: number): Promise<void> {
    if (remediating < cap) await this.resolve(FLEET);
  }

  /** A fix of the pipeline succeeded: its incident, if any, is resolved. */
  async resolvePipeline(pipelineId: string): Promise<void> {
    await this.resolve(pipelineId);
  }

  private async raise(pipelineId: string, title: string): Promise<void> {
    const now = this.clock.now();
    const prev = this.open.get(pipelineId);
    const row: IncidentRow =
      prev === undefined
        ? {
            id: this.newId(),
            pipeline_id: pipelineId,
            kind: HEALING_INCIDENT_KIND,
            status: 'open',
            opened_at: now,
            last_seen_at: now,
            resolved_at: null,
            anomaly_count: 1,
            max_score: 1,
            title,
          }
        : { ...prev, last_seen_at: now, anomaly_count: prev.anomaly_count + 1 };
    this.open.set(pipelineId, row);
    await this.stores.incidents.save({ anomalies: [], incidents: [row], insights: [] });
  }

  private async resolve(pipelineId: string): Promise<void> {
    const prev = this.open.get(pipelineId);
    if (prev === undefined) return;
    this.open.delete(pipelineId);
    const now = this.clock.now();
    await this.stores.incidents.save({
      anomalies: [],
      incidents: [{ ...prev, status: 'resolved', resolved_at: now, last_seen_at: now }],
      insights: [],
    });
    await this.audit(pipelineId, 'resolved', `incident ${prev.id} resolved`, { incident_id: prev.id });
  }

  private async audit(pipelineId: string, status: string, reason: string, detail: Record<string, unknown>) {
    await this.stores.audit.append([
      {
        id: this.newId(),
        at: this.clock.now(),
        kind: 'control',
        pipeline_id: pipelineId,
        action_id: null,
        action: null,
        status,
        runbook: null,
        detail: { reason, ...detail },
      },
    ]);
  }
}
