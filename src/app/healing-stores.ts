import type {
  ActionStore,
  AnomalyStore,
  ApprovalStore,
  AuditStore,
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
  /** Where incidents for humans are raised (the incidents the anomaly service keeps). */
  incidents: Pick<AnomalyStore, 'save' | 'openIncidents'>;
}
