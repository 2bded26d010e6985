/**
 * The operator's face of the self-healing loop: runbooks (list, validate, enable/disable), the kill
 * switch, approvals, and the action, audit and outcome lists. Changes are audited and the kill
 * switch and runbook overrides outlive a restart.
 */
import { parseRunbook, type Guards, type Runbook } from '../healing/index.js';
import type {
  ActionRow,
  ApprovalRow,
  AuditEntry,
  HealingListQuery,
  OutcomeLabelRow,
  Page,
  TimedPageQuery,
} from '../ports/index.js';
import { AppError, NotFoundError, type Clock } from '../shared/index.js';
import type { HealingService } from './healing-service.js';
import type { HealingStores } from './healing-stores.js';

export interface HealingAdminDeps {
  service: HealingService;
  guards: Guards;
  runbooks: readonly Runbook[];
  stores: HealingStores;
  clock: Clock;
  newId: () => string;
  /** `--kill-switch`: on at start whatever was saved. */
  killSwitchFlag: boolean;
  /** Names of the configured executors (status). */
  executors: readonly string[];
  /** Where the runbooks came from (status). */
  runbookSource: string;
}

/** A runbook as listed: its definition and whether it is enabled now. */
export type RunbookView = Runbook & { enabled: boolean; overridden: boolean };

export class HealingAdmin {
  constructor(private readonly deps: HealingAdminDeps) {}

  /** Applies the saved settings (kill switch, runbook overrides); the flag forces the kill switch on. */
  async start(): Promise<void> {
    const saved = await this.deps.stores.settings.load();
    this.deps.guards.setKillSwitch(this.deps.killSwitchFlag || (saved.kill_switch ?? false));
    for (const [name, on] of Object.entries(saved.runbook_overrides))
      this.deps.service.overrides.set(name, on);
  }

  /** What `GET /api/status` shows under `healing`. */
  status(): Record<string, unknown> {
    const { guards, runbooks, service } = this.deps;
    const now = this.deps.clock.now();
    return {
      kill_switch: guards.killSwitch(),
      dry_run: guards.config.dryRun,
      default_mode: guards.config.defaultMode,
      executors: this.deps.executors,
      runbooks: {
        source: this.deps.runbookSource,
        loaded: runbooks.length,
        enabled: runbooks.filter((r) => service.isEnabled(r)).length,
      },
      under_remediation: guards.underRemediation(now).length,
      fleet_cap: guards.config.fleetCap,
      verifying: service.verifyingCount(),
      retries_pending: service.pendingRetries(),
    };
  }

  listRunbooks(): RunbookView[] {
    return this.deps.runbooks.map((r) => ({
      ...r,
      enabled: this.deps.service.isEnabled(r),
      overridden: this.deps.service.overrides.has(r.name),
    }));
  }

  /** Checks a runbook document; throws RunbookInvalidError naming the runbook, path and problem. */
  validate(body: unknown): { valid: true; runbook: Runbook } {
    return { valid: true, runbook: parseRunbook(body, 'runbook') };
  }

  async setRunbookEnabled(name: string, enabled: boolean, by: string | null): Promise<RunbookView> {
    const runbook = this.deps.runbooks.find((r) => r.name === name);
    if (runbook === undefined) throw new NotFoundError(`no runbook "${name}"`);
    this.deps.service.overrides.set(name, enabled);
    await this.saveSettings();
    await this.control(enabled ? 'runbook_enabled' : 'runbook_disabled', { runbook: name, by });
    return { ...runbook, enabled, overridden: true };
  }

  async setKillSwitch(enabled: boolean, by: string | null): Promise<{ kill_switch: boolean }> {
    this.deps.guards.setKillSwitch(enabled);
    await this.saveSettings();
    await this.control(enabled ? 'kill_switch_on' : 'kill_switch_off', { by });
    return { kill_switch: enabled };
  }

  listApprovals(q: HealingListQuery): Promise<Page<ApprovalRow>> {
    return this.deps.stores.approvals.list(q);
  }

  /** Approves a pending request and carries the action out (guards permitting); the action after. */
  async approve(id: string, by: string | null): Promise<{ approval: ApprovalRow; action: ActionRow | null }> {
    const approval = await this.decide(id, 'approved', by);
    await this.deps.service.runApproved(approval);
    return { approval, action: await this.deps.stores.actions.get(approval.action_id) };
  }

  async reject(id: string, by: string | null): Promise<{ approval: ApprovalRow; action: ActionRow | null }> {
    const approval = await this.decide(id, 'rejected', by);
    const { stores, clock } = this.deps;
    const action = await stores.actions.transition(
      approval.action_id,
      ['awaiting_approval'],
      { status: 'rejected', reason: `rejected${by === null ? '' : ` by ${by}`}` },
      clock.now(),
    );
    return { approval, action: action ?? (await stores.actions.get(approval.action_id)) };
  }

  listActions(q: HealingListQuery): Promise<Page<ActionRow>> {
    return this.deps.stores.actions.list(q);
  }

  listAudit(q: HealingListQuery): Promise<Page<AuditEntry>> {
    return this.deps.stores.audit.list(q);
  }

  listOutcomes(q: TimedPageQuery): Promise<Page<OutcomeLabelRow>> {
    return this.deps.stores.outcomes.list(q);
  }

  private async decide(
    id: string,
    decision: 'approved' | 'rejected',
    by: string | null,
  ): Promise<ApprovalRow> {
    const { stores, clock } = this.deps;
    const now = clock.now();
    const decided = await stores.approvals.decide(id, decision, by, now);
    if (decided !== null) {
      await this.deps.stores.audit.append([
        {
          id: this.deps.newId(),
          at: now,
          kind: 'approval',
          pipeline_id: decided.pipeline_id,
          action_id: decided.action_id,
          action: decided.action,
          status: decision,
          runbook: null,
          detail: { approval_id: id, by },
        },
      ]);
      return decided;
    }
    const current = await stores.approvals.get(id);
    if (current === null) throw new NotFoundError(`no approval "${id}"`);
    const why = current.status === 'pending' ? 'it has expired' : `it is already ${current.status}`;
    throw new AppError('CONFLICT', `approval "${id}" cannot be ${decision}: ${why}`);
  }

  private async saveSettings(): Promise<void> {
    await this.deps.stores.settings.save({
      kill_switch: this.deps.guards.killSwitch(),
      runbook_overrides: Object.fromEntries(this.deps.service.overrides),
    });
  }

  private async control(status: string, detail: Record<string, unknown>): Promise<void> {
    await this.deps.stores.audit.append([
      {
        id: this.deps.newId(),
        at: this.deps.clock.now(),
        kind: 'control',
        pipeline_id: null,
        action_id: null,
        action: null,
        status,
        runbook: typeof detail.runbook === 'string' ? detail.runbook : null,
        detail,
      },
    ]);
  }
}
