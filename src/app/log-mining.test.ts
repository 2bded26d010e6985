import { describe, expect, it } from 'vitest';
import { log } from '../monitoring/testing.js';
import type { StoredTemplates, TemplateChanges, TemplateStore } from '../ports/index.js';
import { FakeClock } from '../shared/index.js';
import type { AcceptedEvent } from './ingest-service.js';
import { LogMiningService, type MiningEvent } from './log-mining.js';

/** Keeps what was saved as the SQL store would, and can fail on demand. */
class MemoryTemplateStore implements TemplateStore {
  saves: TemplateChanges[] = [];
  failNext = false;
  private readonly data: StoredTemplates = { templates: [], aliases: {}, pipelineStats: [] };

  async load(): Promise<StoredTemplates> {
    return structuredClone(this.data);
  }

  async save(changes: TemplateChanges): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('database down');
    }
    this.saves.push(structuredClone(changes));
    const gone = new Set(Object.keys(changes.aliases));
    Object.assign(this.data.aliases, changes.aliases);
    const keep = <T>(rows: T[], id: (r: T) => string, fresh: T[]) => [
      ...rows.filter((r) => !gone.has(id(r)) && !fresh.some((f) => id(f) === id(r))),
      ...fresh,
    ];
    this.data.templates = keep(this.data.templates, (t) => t.id, changes.templates);
    this.data.pipelineStats = keep(
      this.data.pipelineStats.filter((s) => !gone.has(s.template_id)),
      (s) => `${s.pipeline_id}/${s.template_id}`,
      changes.pipelineStats,
    );
  }
}

const accepted = (message: string, pipeline_id = 'p1'): AcceptedEvent[] => [
  { event: log({ pipeline_id, message, level: 'ERROR' }), decision: 'new' },
];

async function open(store: MemoryTemplateStore, clock = new FakeClock()) {
  const events: MiningEvent[] = [];
  const mining = await LogMiningService.open({
    store,
    clock,
    windowMs: 3_600_000,
    onEvent: (e) => events.push(e),
  });
  return { mining, events, clock };
}

describe('LogMiningService', () => {
  it('writes what changed in one batch per flush, merges as aliases with the counts moved', async () => {
    const store = new MemoryTemplateStore();
    const { mining, events } = await open(store);
    for (const user of ['alice', 'bob', 'carol', 'dave'])
      mining.onAccepted(accepted(`access denied for user ${user}`));
    expect(events.map((e) => e.type)).toEqual([
      'template:new',
      'template:new',
      'template:new',
      'template:new',
      'template:merge',
    ]);
    expect(mining.stats()).toMatchObject({ lines: 4, new_templates: 4, merges: 1, templates: 1 });
    await mining.flush();
    expect(store.saves).toHaveLength(1);
    const [save] = store.saves;
    expect(save.templates).toHaveLength(1);
    expect(save.templates[0]).toMatchObject({
      text: 'access denied for user <*>',
      count: 4,
      signature: 'permission_denied',
    });
    expect(Object.values(save.aliases)).toEqual([
      save.templates[0].id,
      save.templates[0].id,
      save.templates[0].id,
    ]);
    expect(save.pipelineStats).toEqual([
      expect.objectContaining({ pipeline_id: 'p1', template_id: save.templates[0].id, count: 4 }),
    ]);
    await mining.flush();
    expect(store.saves).toHaveLength(1); // nothing new, nothing written
  });

  it('skips repeated states and keeps changes of a failed write for the next flush', async () => {
    const store = new MemoryTemplateStore();
    const { mining } = await open(store);
    mining.onAccepted([{ event: log({ message: 'disk full on /data' }), decision: 'unchanged' }]);
    expect(mining.stats().lines).toBe(0);
    mining.onAccepted(accepted('disk full on /data'));
    store.failNext = true;
    await expect(mining.flush()).rejects.toThrow('database down');
    mining.onAccepted(accepted('disk full on /logs'));
    await mining.flush();
    expect(store.saves).toHaveLength(1);
    expect(store.saves[0].templates.map((t) => [t.text, t.count])).toEqual([['disk full on <*>', 2]]);
  });

  it('reloads with the same ids, counts and signatures; a template seen before is not new to its pipeline', async () => {
    const store = new MemoryTemplateStore();
    const clock = new FakeClock();
    const first = await open(store, clock);
    const [mined] = first.mining.mine('p1', 'connection refused to 10.0.0.7:5432', clock.now());
    await first.mining.flush();
    expect(first.mining.newTemplateSignal('p1')).toEqual({ count: 1, per_hour: 1 });

    const second = await open(store, clock);
    const [again] = second.mining.mine('p1', 'connection refused to 10.0.0.9:5432', clock.now());
    expect(again.template_id).toBe(mined.template_id);
    expect(second.mining.signatureOf(again.template_id)).toBe('connection');
    expect(second.mining.newTemplateSignal('p1').count).toBe(0);
    expect(second.mining.templates({ pipeline_id: 'p1', limit: 10, offset: 0 }).items[0].count).toBe(2);
    expect(second.events).toEqual([]);
  });

  it('forgets first sightings once they leave the window', async () => {
    const { mining, clock } = await open(new MemoryTemplateStore());
    mining.mine('p1', 'step extract started', clock.now());
    clock.advance(3_600_001);
    expect(mining.newTemplateSignal('p1').count).toBe(0);
  });

  it('describes a message key by its template until the template changes', async () => {
    const { mining } = await open(new MemoryTemplateStore());
    const key = mining.namer.keyOf('java.net.SocketTimeoutException: Read timed out');
    expect(mining.namer.describe(key)).toBeUndefined();
    mining.mine('p1', 'java.net.SocketTimeoutException: Read timed out', 0);
    expect(mining.namer.describe(key)).toMatchObject({ signature: 'timeout' });
  });
});
