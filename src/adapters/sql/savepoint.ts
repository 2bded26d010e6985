import type { SqlClient } from '../../ports/index.js';

/**
 * Runs `fn` inside a savepoint of the transaction `tx` is already in, so a nested
 * `transaction()` rolls back only its own work when it throws.
 */
export async function withSavepoint<T>(tx: SqlClient, depth: number, fn: () => Promise<T>): Promise<T> {
  const name = `sp_${depth}`;
  await tx.query(`SAVEPOINT ${name}`);
  try {
    const result = await fn();
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (err) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw err;
  }
}
