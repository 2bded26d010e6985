import { Worker } from 'node:worker_threads';

/**
 * Starts the worker module `file` (a sibling of the caller, named without extension) with
 * `workerData`. From source (tsx, vitest) the worker is a .ts file, which a bare worker thread
 * cannot load, so it first registers tsx; from dist it is plain JavaScript.
 */
export function startWorker(callerUrl: string, file: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${file}.js`, callerUrl), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${file}.ts`, callerUrl).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * `bytes` as an array that owns its whole buffer, so the buffer can be moved to a worker
 * (postMessage transfer list) instead of copied; only a view into a larger buffer is copied.
 */
export function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const whole =
    bytes.byteOffset === 0 &&
    bytes.buffer instanceof ArrayBuffer &&
    bytes.byteLength === bytes.buffer.byteLength;
  return whole ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
}
