export type { Calibrator } from './calibrator.js';
export { PlattCalibrator } from './platt.js';
export { IsotonicCalibrator } from './isotonic.js';
export {
  encodePlatt,
  decodePlatt,
  encodeIsotonic,
  decodeIsotonic,
  PLATT_MODEL,
  ISOTONIC_MODEL,
} from './serialize.js';
export {
  averageCalibrated,
  crossFitCalibrated,
  stratifiedFolds,
  type CalibrationMethod,
  type CrossFitMember,
} from './cross-fit.js';
