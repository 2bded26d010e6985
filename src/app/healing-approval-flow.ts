/** What happens to an action waiting for a human: approved (guards asked again), or expired. */
import type { DecidedAction, Guards, HealingContext, Trigger } from '../healing/index.js';
import type { ActionRow, ActionStatus, ApprovalRow } from '../ports/index.js';
import type { Clock } from '../shared/index.js';
import type { ActionJournal } from './healing-journal.js';
import { decidedOf, decisionInputs } from './healing-records.js';
import type { HealingStores } from './healing-stores.js';

export interface ApprovalFlowDeps {
  guards: Guards;
  stores: HealingStores;
  clock: Clock;
  journal: ActionJournal;
  context(pipelineId: string, trigger: Trigger): Promise<HealingContext>;
  /** Writes what changed in the guards' state. */
  saveGuards(): Promise<void>;
  /** Carries out an action now `executing`. */
  execute(row: ActionRow, a: DecidedAction): Promise<void>;
}

export class ApprovalFlow {
  constructor(private readonly deps: ApprovalFlowDeps) {}

  /** A human approved: the guards are asked again with the approval; it executes if they let it. */
  async approved(approval: ApprovalRow): Promise<void> {
    const { guards, stores, clock, journal } = this.deps;
    const row = await stores.actions.get(approval.action_id);
    const a = row === null ? null : decidedOf(row);
    if (row === null || a === null || row.status !== 'awaiting_approval') return;
    const now = clock.now();
    const verdict = guards.evaluate(a, now, {
      approval: { approved_at: approval.decided_at ?? now, expires_at: approval.expires_at },
    });
    await this.deps.saveGuards();
    const inputs = decisionInputs(await this.deps.context(a.pipeline_id, a.trigger));
    if (verdict.verdict === 'execute') {
      const after = await stores.actions.transition(
        row.id,
        ['awaiting_approval'],
        { status: 'executing', reason: 'approved' },
        now,
      );
      if (after === null) return;
      await journal.decision(a, verdict, row.id, 'executing', inputs, now);
      journal.notify(after);
      await this.deps.execute(after, a);
      return;
    }
    const status: ActionStatus = verdict.verdict === 'dry_run' ? 'dry_run' : 'escalated';
    const failed = verdict.guards.find((g) => !g.passed);
    const reason = `approved, but ${failed === undefined ? verdict.verdict : `${failed.name}: ${failed.detail}`}`;
    const after = await stores.actions.transition(row.id, ['awaiting_approval'], { status, reason }, now);
    if (after === null) return;
    await journal.decision(a, verdict, row.id, status, inputs, now);
    journal.notify(after);
  }

  /** Approval requests nobody answered in time: their actions are `expired`. */
  async expire(now: number): Promise<void> {
    const { stores, journal } = this.deps;
    for (const approval of await stores.approvals.expire(now)) {
      const after = await stores.actions.transition(
        approval.action_id,
        ['awaiting_approval'],
        { status: 'expired', reason: 'no human answered the approval request in time' },
        now,
      );
      if (after !== null) {
        await journal.record(after, 'approval', { approval_id: approval.id, decision: 'expired' });
        journal.notify(after);
      }
    }
  }
}
