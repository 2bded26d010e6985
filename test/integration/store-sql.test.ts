import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlStateError, type ClosableSqlClient } from '../../src/adapters/index.js';
import { storeBackends, type BackendEnv } from '../helpers/store-backends.js';

for (const backend of await storeBackends('store_sql')) {
  describe.skipIf(backend.skip !== null)(`SqlClient on ${backend.name}`, () => {
    let env: BackendEnv;
    let sql: ClosableSqlClient;
    beforeAll(async () => {
      env = await backend.setup();
      sql = await env.sql();
      await sql.exec('CREATE TABLE flexiroaster_ai.t (a int PRIMARY KEY, b jsonb)');
    });
    afterAll(async () => {
      await env?.teardown();
    });

    it('passes parameters and returns typed rows, jsonb parsed', async () => {
      const { rows } = await sql.query<{ n: number; s: string; j: { x: number[] } }>(
        'SELECT $1::int AS n, $2::text AS s, $3::jsonb AS j',
        [42, 'é\ttab', JSON.stringify({ x: [1, 2] })],
      );
      expect(rows).toEqual([{ n: 42, s: 'é\ttab', j: { x: [1, 2] } }]);
    });

    it('commits a transaction, rolls back one that throws, and a nested one alone', async () => {
      await sql.transaction(async (tx) => {
        await tx.query('INSERT INTO flexiroaster_ai.t (a) VALUES (1)');
      });
      await expect(
        sql.transaction(async (tx) => {
          await tx.query('INSERT INTO flexiroaster_ai.t (a) VALUES (2)');
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      await sql.transaction(async (tx) => {
        await tx.query('INSERT INTO flexiroaster_ai.t (a) VALUES (3)');
        await tx
          .transaction(async (inner) => {
            await inner.query('INSERT INTO flexiroaster_ai.t (a) VALUES (4)');
            throw new Error('inner only');
          })
          .catch(() => undefined);
      });
      const { rows } = await sql.query<{ a: number }>('SELECT a FROM flexiroaster_ai.t ORDER BY a');
      expect(rows.map((r) => r.a)).toEqual([1, 3]);
    });

    it('reports database errors with their SQLSTATE code', async () => {
      const err = await sql.query('INSERT INTO flexiroaster_ai.t (a) VALUES (1)').catch((e: unknown) => e);
      expect((err as SqlStateError).code).toBe('23505');
      const syntax = await sql.exec('SELEC 1').catch((e: unknown) => e);
      expect((syntax as SqlStateError).code).toBe('42601');
    });
  });
}
