import type {
  GuardStateStore,
  HealingSettings,
  HealingSettingsStore,
  OutcomeLabelRow,
  OutcomeLabelStore,
  Page,
  PipelineGuardRecord,
  PipelineLeaseStore,
  SqlClient,
  TimedPageQuery,
} from '../../ports/index.js';
import { listPage, ms, S, ts } from './sql-query.js';

const OUTCOME_COLS = `id, action_id, trigger_kind, trigger_id, pipeline_id, execution_id, action, label, ${ms('created_at')}`;

/** Outcome labels of remediation actions (training reads them). */
export class SqlOutcomeLabelStore implements OutcomeLabelStore {
  constructor(private readonly sql: SqlClient) {}

  async add(row: OutcomeLabelRow): Promise<void> {
    await this.sql.query(
      `INSERT INTO ${S}.healing_outcomes (id, action_id, trigger_kind, trigger_id, pipeline_id, execution_id, action, label, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ${ts(9)}) ON CONFLICT (action_id) DO NOTHING`,
      [
        row.id,
        row.action_id,
        row.trigger_kind,
        row.trigger_id,
        row.pipeline_id,
        row.execution_id,
        row.action,
        row.label,
        row.created_at,
      ],
    );
  }

  list(q: TimedPageQuery): Promise<Page<OutcomeLabelRow>> {
    return listPage<OutcomeLabelRow>(this.sql, 'healing_outcomes', OUTCOME_COLS, 'created_at', 'id', q);
  }
}

/** Kill switch and runbook overrides, one row each. */
export class SqlHealingSettingsStore implements HealingSettingsStore {
  constructor(private readonly sql: SqlClient) {}

  async load(): Promise<HealingSettings> {
    const r = await this.sql.query<{ key: string; value: unknown }>(
      `SELECT key, value FROM ${S}.healing_settings`,
    );
    const get = (key: string) => r.rows.find((row) => row.key === key)?.value;
    const kill = get('kill_switch');
    const overrides = get('runbook_overrides');
    const runbook_overrides: Record<string, boolean> = {};
    if (typeof overrides === 'object' && overrides !== null)
      for (const [name, on] of Object.entries(overrides))
        if (typeof on === 'boolean') runbook_overrides[name] = on;
    return { kill_switch: typeof kill === 'boolean' ? kill : null, runbook_overrides };
  }

  async save(settings: HealingSettings): Promise<void> {
    await this.sql.query(
      `INSERT INTO ${S}.healing_settings (key, value) VALUES ('kill_switch', $1::jsonb), ('runbook_overrides', $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [JSON.stringify(settings.kill_switch), JSON.stringify(settings.runbook_overrides)],
    );
  }
}

/** Pipeline leases as rows: taken when free, lapsed, or already ours (one statement, so no race). */
export class SqlPipelineLeaseStore implements PipelineLeaseStore {
  constructor(private readonly sql: SqlClient) {}

  async acquire(pipelineId: string, owner: string, nowMs: number, ttlMs: number): Promise<boolean> {
    const r = await this.sql.query<{ owner: string }>(
      `INSERT INTO ${S}.healing_leases (pipeline_id, owner, expires_at) VALUES ($1, $2, ${ts(3)})
       ON CONFLICT (pipeline_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
         WHERE ${S}.healing_leases.owner = EXCLUDED.owner OR ${S}.healing_leases.expires_at <= ${ts(4)}
       RETURNING owner`,
      [pipelineId, owner, nowMs + ttlMs, nowMs],
    );
    return r.rows.length > 0;
  }

  async release(pipelineId: string, owner: string): Promise<void> {
    await this.sql.query(`DELETE FROM ${S}.healing_leases WHERE pipeline_id = $1 AND owner = $2`, [
      pipelineId,
      owner,
    ]);
  }
}

/** The guards' per-pipeline state, one JSON row per pipeline with anything left to guard. */
export class SqlGuardStateStore implements GuardStateStore {
  constructor(private readonly sql: SqlClient) {}

  async load(): Promise<PipelineGuardRecord[]> {
    return this.select('');
  }

  async loadOne(pipelineId: string): Promise<PipelineGuardRecord | null> {
    return (await this.select('WHERE pipeline_id = $1', [pipelineId]))[0] ?? null;
  }

  private async select(where: string, params: unknown[] = []): Promise<PipelineGuardRecord[]> {
    const r = await this.sql.query<{ pipeline_id: string; state: unknown }>(
      `SELECT pipeline_id, state FROM ${S}.healing_guard_state ${where}`,
      params,
    );
    return r.rows.flatMap((row) => {
      const record = guardRecord(row.pipeline_id, row.state);
      return record === null ? [] : [record];
    });
  }

  async save(changes: { saved: readonly PipelineGuardRecord[]; cleared: readonly string[] }): Promise<void> {
    if (changes.saved.length === 0 && changes.cleared.length === 0) return;
    await this.sql.transaction(async (tx) => {
      if (changes.saved.length > 0)
        await tx.query(
          `INSERT INTO ${S}.healing_guard_state (pipeline_id, state, updated_at)
           SELECT r->>'pipeline_id', r, now() FROM jsonb_array_elements($1::jsonb) AS r
           ON CONFLICT (pipeline_id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
          [JSON.stringify(changes.saved)],
        );
      if (changes.cleared.length > 0)
        await tx.query(`DELETE FROM ${S}.healing_guard_state WHERE pipeline_id = ANY($1::text[])`, [
          [...changes.cleared],
        ]);
    });
  }
}

const isTimes = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((t) => typeof t === 'number' && Number.isFinite(t));
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const numOrNull = (v: unknown): number | null => (isNum(v) ? v : null);
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** A list of `{key, <time>}` objects mapped by `f`; null when it is not one. */
function keyed<K extends string, T>(
  list: unknown,
  time: K,
  f: (k: { key: string } & Record<K, number> & Record<string, unknown>) => T,
): T[] | null {
  if (!Array.isArray(list)) return null;
  const out: T[] = [];
  for (const item of list as unknown[]) {
    const k = item as Record<string, unknown> | null;
    if (k === null || typeof k !== 'object' || typeof k.key !== 'string' || !isNum(k[time])) return null;
    out.push(f(k as { key: string } & Record<K, number> & Record<string, unknown>));
  }
  return out;
}

/** A stored row as a record; a row that is not one (written by something else) is skipped. */
function guardRecord(pipelineId: string, state: unknown): PipelineGuardRecord | null {
  if (typeof state !== 'object' || state === null) return null;
  const s = state as Record<string, unknown>;
  if (!isTimes(s.actions) || !isTimes(s.flips) || !isNum(s.failures)) return null;
  const keys = keyed(s.keys, 'at', (k) => ({ key: k.key, at: k.at, expires_at: numOrNull(k.expires_at) }));
  const remediating = keyed(s.remediating, 'since', (k) => ({ key: k.key, since: k.since }));
  if (keys === null || remediating === null) return null;
  return {
    pipeline_id: pipelineId,
    keys,
    actions: s.actions,
    last_decision: strOrNull(s.last_decision),
    last_acted_at: isNum(s.last_acted_at) ? s.last_acted_at : 0,
    failures: s.failures,
    breaker_opened_at: numOrNull(s.breaker_opened_at),
    trial_decision: strOrNull(s.trial_decision),
    last_healthy: typeof s.last_healthy === 'boolean' ? s.last_healthy : null,
    flips: s.flips,
    remediating,
  };
}
