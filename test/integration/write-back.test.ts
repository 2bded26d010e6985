/**
 * Write-back of insight records and incidents to FlexiRoaster's ai_insights and alerts, against the
 * real PostgreSQL: the service's store in one database, the FlexiRoaster tables (the fixture schema)
 * in another, so the target can go down on its own.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  SqlAnomalyStore,
  SqlInsightStore,
  SqlWriteBackLedger,
  SqlWriteBackTarget,
  migrate,
  type ClosableSqlClient,
} from '../../src/adapters/index.js';
import { openPostgresClient } from '../../src/adapters/internal.js';
import { WriteBackService, incidentInsight, type WriteBackDeps } from '../../src/app/index.js';
import type { IncidentRow, InsightRow, WriteBackLedger } from '../../src/ports/index.js';
import { FakeClock } from '../../src/shared/index.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/pg.js';

const FIXTURE = new URL('../../src/adapters/source/demo/flexiroaster_schema.sql', import.meta.url);
const skip = await postgresUnavailable();
const T = Date.parse('2026-03-01T12:00:00Z');

describe.skipIf(skip !== null)('write-back to ai_insights and alerts on PostgreSQL', () => {
  let storeDb: TestDatabase;
  let sourceDb: TestDatabase;
  let store: ClosableSqlClient;
  let source: ClosableSqlClient;
  let clock: FakeClock;
  let P1: string;
  let P2: string;
  let E1: string;

  beforeAll(async () => {
    [storeDb, sourceDb] = await Promise.all([
      createTestDatabase('write_back_store'),
      createTestDatabase('write_back_source'),
    ]);
    store = openPostgresClient({ connectionString: storeDb.url, poolSize: 2 });
    source = openPostgresClient({ connectionString: sourceDb.url, poolSize: 2, connectTimeoutMs: 1000 });
    await migrate(store);
    await source.exec(await readFile(FIXTURE, 'utf8'));
  });
  afterAll(async () => {
    await store?.close();
    await source?.close();
    await Promise.all([storeDb?.drop(), sourceDb?.drop()]);
  });
  beforeEach(async () => {
    clock = new FakeClock(T);
    await store.exec(
      'TRUNCATE flexiroaster_ai.insights, flexiroaster_ai.incident_alerts, flexiroaster_ai.anomalies, flexiroaster_ai.incidents CASCADE',
    );
    await source.exec('TRUNCATE ai_insights, alerts, executions, pipelines CASCADE');
    const ids = await source.query<{ id: string }>(
      `INSERT INTO pipelines (name) VALUES ('etl'), ('reports') RETURNING id::text AS id`,
    );
    [P1, P2] = ids.rows.map((r) => r.id);
    const e = await source.query<{ id: string }>(
      `INSERT INTO executions (pipeline_id, status) VALUES ($1, 'failed') RETURNING id::text AS id`,
      [P1],
    );
    E1 = e.rows[0].id;
  });

  const service = (over: Partial<WriteBackDeps> = {}) =>
    new WriteBackService({
      ledger: new SqlWriteBackLedger(store),
      target: new SqlWriteBackTarget(source, 'public'),
      clock,
      ...over,
    });
  const insight = (over: Partial<InsightRow>): InsightRow => ({
    id: randomUUID(),
    insight_type: 'anomaly',
    source: 'anomaly',
    source_id: randomUUID(),
    pipeline_id: P1,
    execution_id: null,
    severity: 'high',
    title: 'Abnormal run',
    description: 'duration far above baseline',
    recommendation: null,
    confidence: 0.876,
    metadata: { model_version: 'anomaly-1', algorithm: 'iforest' },
    created_at: clock.now(),
    ...over,
  });
  const incident = (over: Partial<IncidentRow> = {}): IncidentRow => ({
    id: randomUUID(),
    pipeline_id: P1,
    kind: 'execution',
    status: 'open',
    opened_at: clock.now(),
    last_seen_at: clock.now(),
    resolved_at: null,
    anomaly_count: 1,
    max_score: 0.8,
    title: 'duration far above baseline',
    ...over,
  });
  const saveIncident = (i: IncidentRow) =>
    new SqlAnomalyStore(store).save({ anomalies: [], incidents: [i], insights: [] });
  const targetRows = async () =>
    (
      await source.query<{ id: string; title: string; confidence: number; execution_id: string | null }>(
        `SELECT id::text, insight_type, title, confidence::float8 AS confidence, execution_id::text,
           metadata, is_dismissed FROM ai_insights ORDER BY created_at, title`,
      )
    ).rows;
  const alerts = async () =>
    (
      await source.query<{
        id: string;
        status: string;
        resolved_at: Date | null;
        pipeline_id: string | null;
        metadata: { incident_id: string };
      }>(
        `SELECT id::text, status, resolved_at, pipeline_id::text, severity, metadata FROM alerts ORDER BY created_at`,
      )
    ).rows;

  it('writes insights of known pipelines once, however often it runs, and counts the skipped', async () => {
    const insights = new SqlInsightStore(store);
    const anomaly = insight({ execution_id: E1, title: 'a anomaly' });
    const unknownExecution = insight({ execution_id: randomUUID(), title: 'b unknown execution' });
    const optimization = insight({
      insight_type: 'optimization',
      source: 'recommendation',
      pipeline_id: P2,
      title: 'c optimization',
      recommendation: 'add CPU',
      confidence: 0.5,
      metadata: { kind: 'scale_cpu' },
    });
    const predicted = insight({
      insight_type: 'failure_prediction',
      source: 'prediction',
      title: 'd prediction',
      metadata: { alert_threshold: 0.7, probability: 0.81, model_version: 'prediction-2' },
    });
    const quiet = insight({
      insight_type: 'failure_prediction',
      source: 'prediction',
      metadata: { alert_threshold: 0.7, probability: 0.3 },
    });
    const strangers = [insight({ pipeline_id: randomUUID() }), insight({ pipeline_id: 'not-a-uuid' })];
    await insights.upsert([anomaly, unknownExecution, optimization, predicted, quiet, ...strangers]);
    const skipped: string[] = [];
    const wb = service({ onSkip: (s) => skipped.push(`${s.what}:${s.reason}`) });

    expect(await wb.tick()).toMatchObject({ insights: 4, skipped: 3 });
    const rows = await targetRows();
    expect(rows.map((r) => r.title)).toEqual([
      'a anomaly',
      'b unknown execution',
      'c optimization',
      'd prediction',
    ]);
    expect(rows[0]).toMatchObject({ execution_id: E1, confidence: 0.88, insight_type: 'anomaly' });
    expect(rows[0]).toMatchObject({
      metadata: { model_version: 'anomaly-1', insight_id: anomaly.id, evidence: { algorithm: 'iforest' } },
    });
    expect(rows[1].execution_id).toBeNull();
    expect(rows[3]).toMatchObject({ metadata: { model_version: 'prediction-2' } });
    expect(wb.stats().skipped).toEqual({
      pipeline_not_in_source: 2,
      below_alert_threshold: 1,
      rejected_by_target: 0,
    });
    expect(skipped.sort()).toEqual([
      'insight:below_alert_threshold',
      'insight:pipeline_not_in_source',
      'insight:pipeline_not_in_source',
    ]);

    // Again, and in a new service (a restart): nothing new, nothing counted twice.
    expect(await wb.tick()).toMatchObject({ insights: 0, skipped: 0 });
    expect(await service().tick()).toMatchObject({ insights: 0, skipped: 0 });
    expect(await targetRows()).toHaveLength(4);
    expect(wb.stats()).toMatchObject({ insights_written: 4, passes: 2, failed_passes: 0 });
  });

  it('writes a batch only once when the process dies between the write and the ledger', async () => {
    await new SqlInsightStore(store).upsert([insight({ title: 'x' }), insight({ title: 'y' })]);
    const ledger = new SqlWriteBackLedger(store);
    const dying: WriteBackLedger = Object.assign(Object.create(ledger) as WriteBackLedger, {
      markInsights: async () => {
        throw new Error('killed before the ledger was written');
      },
    });
    const errors: string[] = [];
    const crashed = service({ ledger: dying, onError: (e) => errors.push(e.message) });
    expect(await crashed.tick()).toBeNull();
    expect(errors).toEqual(['killed before the ledger was written']);
    expect(crashed.stats()).toMatchObject({ failed_passes: 1, consecutive_failures: 1, insights_written: 0 });
    expect(await targetRows()).toHaveLength(2);

    expect(await service().tick()).toMatchObject({ insights: 2 });
    expect(await targetRows()).toHaveLength(2);
    expect((await ledger.pendingInsights(10)).length).toBe(0);
  });

  it('writes a replaced insight again in place; once dismissed there, it stays dismissed', async () => {
    const insights = new SqlInsightStore(store);
    const first = insight({ insight_type: 'optimization', source: 'recommendation', source_id: 'p:cpu' });
    await insights.upsert([first]);
    await service().tick();
    clock.advance(60_000);
    await insights.upsert([{ ...first, id: 'ignored', confidence: 0.42, created_at: clock.now() }]);
    expect(await service().tick()).toMatchObject({ insights: 1 });
    const rows = await targetRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ confidence: 0.42, metadata: { insight_id: first.id } });

    // Dismissed there: read back, and a later replacement is neither listed nor written again.
    await source.query('UPDATE ai_insights SET is_dismissed = true');
    expect(await service().tick()).toMatchObject({ dismissed: 1 });
    clock.advance(60_000);
    await insights.upsert([{ ...first, confidence: 0.99, created_at: clock.now() }]);
    expect(await service().tick()).toMatchObject({ insights: 0 });
    expect(await targetRows()).toMatchObject([{ confidence: 0.42, is_dismissed: true }]);
    expect((await insights.list({ limit: 10, offset: 0 })).total).toBe(0);
  });

  it('leaves an insight pending when it was replaced while its old content was being written', async () => {
    const insights = new SqlInsightStore(store);
    const ledger = new SqlWriteBackLedger(store);
    const first = insight({ insight_type: 'optimization', source: 'recommendation', source_id: 'p:mem' });
    await insights.upsert([first]);
    const [read] = await ledger.pendingInsights(10);
    clock.advance(1);
    await insights.upsert([{ ...first, confidence: 0.1, created_at: clock.now() }]);
    await ledger.markInsights([{ id: read.id, stamp: read.stamp, outcome: 'written' }], clock.now());
    const [still] = await ledger.pendingInsights(10);
    expect(still).toMatchObject({ id: first.id, confidence: 0.1 });
    expect(still.stamp).not.toBe(read.stamp);
  });

  it('reads dismissals back: the insight leaves the lists', async () => {
    const insights = new SqlInsightStore(store);
    const keep = insight({ title: 'keep' });
    const gone = insight({ title: 'gone' });
    await insights.upsert([keep, gone]);
    const wb = service();
    await wb.tick();
    await source.query(`UPDATE ai_insights SET is_dismissed = true WHERE title = 'gone'`);
    expect(await wb.tick()).toMatchObject({ dismissed: 1 });
    const listed = await insights.list({ limit: 10, offset: 0 });
    expect(listed.items.map((i) => i.id)).toEqual([keep.id]);
    expect(await wb.tick()).toMatchObject({ dismissed: 0 });
    expect(wb.stats().dismissals_read).toBe(1);
  });

  it("carries a dismissal made here to FlexiRoaster's row, once", async () => {
    const insights = new SqlInsightStore(store);
    const seen = insight({ title: 'seen' });
    const never = insight({ title: 'never written', pipeline_id: randomUUID() });
    await insights.upsert([seen, never]);
    const wb = service();
    await wb.tick();
    expect(await insights.dismiss(seen.id)).toBe(true);
    expect(await insights.dismiss(never.id)).toBe(true);
    expect(await wb.tick()).toMatchObject({ insights: 0, dismissals_written: 2, dismissed: 0 });
    expect(await targetRows()).toMatchObject([{ title: 'seen', is_dismissed: true }]);
    expect(await wb.tick()).toMatchObject({ dismissals_written: 0 });
    expect(wb.stats().dismissals_written).toBe(2);
  });

  it('opens one alert per pipeline and kind, resolves it with the incident, and skips unknown pipelines', async () => {
    const wb = service();
    const first = incident({ max_score: 0.95 });
    await saveIncident(first);
    await saveIncident(incident({ pipeline_id: randomUUID() }));
    expect(await wb.tick()).toMatchObject({ alerts_opened: 1, skipped: 1 });
    expect(await wb.tick()).toMatchObject({ alerts_opened: 0, alerts_resolved: 0, skipped: 0 });
    let rows = await alerts();
    expect(rows).toMatchObject([
      { status: 'open', pipeline_id: P1, severity: 'critical', metadata: { incident_id: first.id } },
    ]);
    expect(wb.stats().skipped.pipeline_not_in_source).toBe(1);

    // Healthy again: the incident resolves, so does its alert (once).
    clock.advance(600_000);
    await saveIncident({ ...first, status: 'resolved', resolved_at: clock.now(), anomaly_count: 4 });
    expect(await wb.tick()).toMatchObject({ alerts_resolved: 1 });
    expect(await wb.tick()).toMatchObject({ alerts_resolved: 0 });
    rows = await alerts();
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('resolved');
    expect(rows[0].resolved_at?.getTime()).toBe(clock.now());

    // The next incident of the pipeline and kind opens a new alert.
    clock.advance(60_000);
    const second = incident();
    await saveIncident(second);
    await wb.tick();
    rows = await alerts();
    expect(rows.map((r) => r.status)).toEqual(['resolved', 'open']);
  });

  it('closes a stale open alert of the pipeline and kind before opening the next, and writes one that is already over resolved', async () => {
    const wb = service();
    const stale = incident();
    await saveIncident(stale);
    await wb.tick();
    // The incident that resolved and the next one both happened while no pass ran... and the ledger lost the first.
    await store.query('DELETE FROM flexiroaster_ai.incident_alerts');
    await saveIncident({ ...stale, status: 'resolved', resolved_at: clock.now() + 1000 });
    clock.advance(5000);
    const next = incident();
    await saveIncident(next);
    const over = incident({
      pipeline_id: P2,
      status: 'resolved',
      opened_at: clock.now() + 1000,
      resolved_at: clock.now() + 2000,
    });
    await saveIncident(over);
    await wb.tick();
    const rows = await alerts();
    expect(rows.map((r) => [r.status, r.metadata.incident_id])).toEqual([
      ['resolved', stale.id],
      ['open', next.id],
      ['resolved', over.id],
    ]);
    expect(rows[2].resolved_at?.getTime()).toBe(clock.now() + 2000);
    expect(await wb.tick()).toMatchObject({ alerts_opened: 0, alerts_resolved: 0 });
  });

  it("writes the self-healing loop's escalations as alerts, the fleet-wide one without a pipeline", async () => {
    const wb = service();
    const human = incident({
      kind: 'healing',
      title: 'Self-healing needs a human: fixes failed',
      max_score: 1,
    });
    const fleet = incident({ kind: 'healing', pipeline_id: '(fleet)', title: 'Fleet-wide outage' });
    await saveIncident(human);
    await saveIncident(fleet);
    expect(await wb.tick()).toMatchObject({ alerts_opened: 2, skipped: 0 });
    // The fleet incident's record got lost and a new one opened: the stale fleet alert closes.
    await store.query('DELETE FROM flexiroaster_ai.incident_alerts WHERE incident_id = $1', [fleet.id]);
    await saveIncident({ ...fleet, status: 'resolved', resolved_at: clock.now() });
    clock.advance(1000);
    const again = incident({ kind: 'healing', pipeline_id: '(fleet)', title: 'Fleet-wide outage' });
    await saveIncident(again);
    await wb.tick();
    const rows = await alerts();
    expect(rows.map((r) => [r.pipeline_id, r.status, r.metadata.incident_id])).toEqual([
      [P1, 'open', human.id],
      [null, 'resolved', fleet.id],
      [null, 'open', again.id],
    ]);
    expect((await source.query(`SELECT title FROM alerts WHERE pipeline_id = $1`, [P1])).rows).toEqual([
      { title: 'Self-healing needs a human: fixes failed' },
    ]);
  });

  it('writes the rest of a batch when the target refuses some rows, and skips those with its reason', async () => {
    await source.exec(`ALTER TABLE ai_insights ADD CONSTRAINT short_title CHECK (length(title) < 40)`);
    await source.exec(`ALTER TABLE alerts ADD CONSTRAINT no_fleet CHECK (pipeline_id IS NOT NULL)`);
    try {
      const ok = insight({ title: 'fits' });
      const long = insight({ title: 'a title far too long for this particular target table' });
      await new SqlInsightStore(store).upsert([ok, long]);
      const fleet = incident({ kind: 'healing', pipeline_id: '(fleet)', title: 'Fleet-wide outage' });
      const mine = incident();
      await saveIncident(fleet);
      await saveIncident(mine);
      const skipped: string[] = [];
      const wb = service({ onSkip: (s) => skipped.push(`${s.what} ${s.id} ${s.reason} ${s.detail ?? ''}`) });
      expect(await wb.tick()).toMatchObject({ insights: 1, alerts_opened: 1, skipped: 2 });
      expect((await targetRows()).map((r) => r.title)).toEqual(['fits']);
      expect((await alerts()).map((r) => r.metadata.incident_id)).toEqual([mine.id]);
      expect(wb.stats().skipped.rejected_by_target).toBe(2);
      expect(skipped).toEqual([
        expect.stringMatching(new RegExp(`^insight ${long.id} rejected_by_target .*short_title`)),
        expect.stringMatching(new RegExp(`^alert ${fleet.id} rejected_by_target .*no_fleet`)),
      ]);
      expect(await wb.tick()).toMatchObject({ insights: 0, alerts_opened: 0, skipped: 0 });
    } finally {
      await source.exec('ALTER TABLE ai_insights DROP CONSTRAINT short_title');
      await source.exec('ALTER TABLE alerts DROP CONSTRAINT no_fleet');
    }
  });

  it('keeps everything when the target is down and writes it once it is back', async () => {
    const insights = new SqlInsightStore(store);
    const anomalies = new SqlAnomalyStore(store);
    const inc = incident();
    await anomalies.save({
      anomalies: [],
      incidents: [inc],
      insights: [incidentInsight(inc, randomUUID(), T)],
    });
    await insights.upsert([insight({ title: 'during the outage' })]);
    const failures: number[] = [];
    const recovered: number[] = [];
    const wb = service({ onError: (_e, n) => failures.push(n), onRecovered: (n) => recovered.push(n) });

    const letIn = await sourceDb.cutConnections();
    try {
      expect(await wb.tick()).toBeNull();
      expect(await wb.tick()).toBeNull();
    } finally {
      await letIn();
    }
    expect(failures).toEqual([1, 2]);
    expect(wb.stats()).toMatchObject({ failed_passes: 2, consecutive_failures: 2, insights_written: 0 });
    expect(wb.stats().last_error).not.toBeNull();
    expect(await new SqlWriteBackLedger(store).pendingInsights(10)).toHaveLength(2);

    expect(await wb.tick()).toMatchObject({ insights: 2, alerts_opened: 1 });
    expect(recovered).toEqual([2]);
    expect(wb.stats().consecutive_failures).toBe(0);
    expect(await targetRows()).toHaveLength(2);
    expect(await alerts()).toHaveLength(1);
  });
});
