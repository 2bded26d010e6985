import type { AnomalyRow, AnomalyStore, IncidentRow } from '../ports/index.js';
import { toError } from '../shared/index.js';

/** New anomalies and incidents, as stored. */
export type FindingsListener = (batch: {
  anomalies: readonly AnomalyRow[];
  incidents: readonly IncidentRow[];
}) => void;

/**
 * The anomaly store with a listener told about every batch once it is stored: the healing loop
 * learns of new anomalies and incidents with their stored ids (so outcomes join to them) without
 * the anomaly service knowing it. A throwing listener is reported, never fails the save.
 */
export function withFindingsListener(
  store: AnomalyStore,
  listener: () => FindingsListener | null,
  onError: (err: Error) => void,
): AnomalyStore {
  const save: AnomalyStore['save'] = async (batch) => {
    await store.save(batch);
    try {
      listener()?.(batch);
    } catch (err) {
      onError(toError(err));
    }
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'save') return save;
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
