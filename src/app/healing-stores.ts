import type {
  ActionStore,
  AnomalyStore,
  ApprovalStore,
  AuditStore,
  GuardStateStore,
  HealingSettingsStore,
  OutcomeLabelStore,
  PipelineLeaseStore,
} from '../ports/index.js';

/** Everything the healing loop keeps, through ports. */
export interface HealingStores {
  actions: ActionStore;
  approvals: ApprovalStore;
  audit: AuditStore;
  outcomes: OutcomeLabelStore;
  settings: HealingSettingsStore;
  leases: PipelineLeaseStore;
  /** The guards' state, kept across restarts. */
  guardState: GuardStateStore;
  /** Where incidents for humans are raised (the incidents the anomaly service keeps). */
  incidents: Pick<AnomalyStore, 'save' | 'openIncidents'>;
}
