import type { FaultLabels } from '../domain/index.js';
import { ValidationError } from '../shared/index.js';
import { read, type Obj } from './fields.js';

/** Reads the simulator's optional `labels: {fault, fault_id}`. */
export function readLabels(o: Obj): FaultLabels | undefined {
  const v = o.labels;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v))
    throw new ValidationError('labels', 'labels must be an object');
  const l = v as Obj;
  try {
    return { fault: read.text(l, 'fault', 64), fault_id: read.text(l, 'fault_id', 256) };
  } catch (err) {
    if (err instanceof ValidationError)
      throw new ValidationError(`labels.${err.field}`, `labels.${err.message}`);
    throw err;
  }
}
