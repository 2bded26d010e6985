/** What the healing loop tells about its actions: the audit log, and the listener of status changes. */
import type { DecidedAction, GuardVerdict } from '../healing/index.js';
import type { ActionRow, ActionStatus, AuditStore } from '../ports/index.js';
import type { Clock } from '../shared/index.js';
import { actionAudit, decisionAudit } from './healing-records.js';

/** Denied decisions audited once per key; keys remembered at most this many. */
const DENIED_MEMORY = 10_000;

export interface ActionJournalDeps {
  audit: AuditStore;
  clock: Clock;
  newId: () => string;
  /** Told about each action's change of status (logs); a throwing listener is ignored. */
  onAction?(row: ActionRow): void;
}

/** The audit records of the loop's actions, and who is told when an action changes status. */
export class ActionJournal {
  private readonly denied = new Set<string>();

  constructor(private readonly deps: ActionJournalDeps) {}

  /** A decision with its inputs and guard results (`actionId` null when no action was stored). */
  async decision(
    a: DecidedAction,
    verdict: GuardVerdict,
    actionId: string | null,
    status: ActionStatus | 'denied',
    inputs: Record<string, unknown>,
    now: number,
  ): Promise<void> {
    await this.deps.audit.append([
      decisionAudit(this.deps.newId(), now, a, verdict, actionId, status, inputs),
    ]);
  }

  /** A step of a stored action (a retry attempt planned, its call, verification or approval). */
  async record(
    row: ActionRow,
    kind: 'decision' | 'execution' | 'verification' | 'approval',
    detail: Record<string, unknown>,
  ): Promise<void> {
    const { audit, clock, newId } = this.deps;
    await audit.append([actionAudit(newId(), clock.now(), kind, row, detail)]);
  }

  /** Tells the listener about the action's status. */
  notify(row: ActionRow): void {
    try {
      this.deps.onAction?.(row);
    } catch {
      // A listener must not break the loop.
    }
  }

  /** Whether this is the first denial of `key` (a denial is audited once per key). */
  firstDenial(key: string): boolean {
    if (this.denied.has(key)) return false;
    if (this.denied.size >= DENIED_MEMORY) this.denied.delete(this.denied.values().next().value as string);
    this.denied.add(key);
    return true;
  }
}
