/**
 * Child process of the crash test: opens the store named by STORE_DATA_DIR (and STORE_DATABASE_URL),
 * appends metrics from several concurrent lanes, and prints `ACK from to` after each append
 * resolves, until it is killed. stdout is a pipe, written synchronously on Linux, so every ACK the
 * parent reads was printed after the events were durable.
 */
import { openStore } from '../../src/adapters/index.js';
import { metric, T0 } from './events.js';

const dataDir = process.env.STORE_DATA_DIR ?? '';
const databaseUrl = process.env.STORE_DATABASE_URL || null;
const store = await openStore({ dataDir, databaseUrl, groupCommitMs: 1 });
process.stdout.write('READY\n');

let next = 0;
async function lane(): Promise<never> {
  for (;;) {
    const from = next;
    next += 10;
    await store.events.append(Array.from({ length: 10 }, (_, i) => metric(from + i, T0 + from + i)));
    process.stdout.write(`ACK ${from} ${from + 10}\n`);
  }
}
await Promise.all(Array.from({ length: 8 }, lane));
