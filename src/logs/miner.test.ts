import { describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/index.js';
import { MINER_SETTINGS, TemplateMiner } from './miner.js';

const ids = (m: TemplateMiner, lines: string[]): string[] => lines.map((l) => m.resolve(m.add(l).id));

describe('TemplateMiner', () => {
  it('groups lines that differ in masked values and reports the birth of a template', () => {
    const m = new TemplateMiner();
    const a = m.add('Connection to 10.0.0.1:5432 lost after 31 ms');
    expect(a.events).toEqual([
      { type: 'template:new', id: a.id, template: 'Connection to <*> lost after <*>' },
    ]);
    const b = m.add('Connection to 10.0.0.9:6432 lost after 2 ms');
    expect(b.id).toBe(a.id);
    expect(b.events).toEqual([]);
    expect(m.templates()).toMatchObject([{ id: a.id, count: 2 }]);
  });

  it('generalises a word the masker missed when a masked value shows up there', () => {
    const m = new TemplateMiner();
    const a = m.add('session opened for admin from web');
    const b = m.add('session opened for 1042 from web');
    expect(b.id).toBe(a.id);
    expect(b.template).toBe('session opened for <*> from web');
    expect(b.events).toEqual([
      {
        type: 'template:merge',
        id: a.id,
        previous: 'session opened for admin from web',
        template: b.template,
        absorbed: [],
      },
    ]);
  });

  it('keeps templates that differ by a few words apart (states, kinds)', () => {
    const m = new TemplateMiner();
    const got = ids(m, [
      'task 1 Transitioned from NEW to SCHEDULED',
      'task 2 Transitioned from SCHEDULED to RUNNING',
      'task 3 Transitioned from RUNNING to SUCCEEDED',
      'task 4 Transitioned from NEW to SCHEDULED',
      'Ending TrustedInstaller initialization.',
      'Ending TrustedInstaller finalization.',
    ]);
    expect(new Set(got).size).toBe(5);
    expect(got[3]).toBe(got[0]);
  });

  it(`merges templates once ${MINER_SETTINGS.mergeValues} distinct words were seen in one place`, () => {
    const m = new TemplateMiner();
    const users = ['webmaster', 'oracle', 'guest', 'admin', 'nagios'];
    const results = users.map((u) => m.add(`Invalid user ${u} from 10.1.2.3`));
    const merge = results.flatMap((r) => r.events).find((e) => e.type === 'template:merge');
    expect(merge).toMatchObject({ id: results[0].id, template: 'Invalid user <*> from <*>' });
    expect(merge?.type === 'template:merge' && merge.absorbed).toHaveLength(MINER_SETTINGS.mergeValues - 1);
    expect(new Set(results.map((r) => m.resolve(r.id)))).toEqual(new Set([results[0].id]));
    expect(results[4].id).toBe(results[0].id);
    expect(m.templates()).toMatchObject([{ id: results[0].id, count: 5 }]);
    expect(m.template(results[1].id)?.id).toBe(results[0].id);
  });

  it('routes by the first words, so lines that open with a variable still meet their template', () => {
    const m = new TemplateMiner();
    const got = ids(m, [
      '12:00:01 worker-3 started job 17',
      '12:00:02 worker-9 started job 18',
      '12:00:03 x-1 stopped job 2',
    ]);
    expect(got[1]).toBe(got[0]);
    expect(got[2]).not.toBe(got[0]);
  });

  it('gives lists of ids of any length one template', () => {
    const m = new TemplateMiner();
    const got = ids(m, ['delete blk_1 blk_2', 'delete blk_7 blk_8 blk_9 blk_10', 'delete blk_3']);
    expect(new Set(got).size).toBe(1);
  });

  it('tracks first and last seen when given times, and keeps the first line as example', () => {
    const m = new TemplateMiner();
    m.add('disk /dev/sda1 at 91%', 2000);
    m.add('disk /dev/sdb2 at 95%', 1000);
    const r = m.add('disk /dev/sdc3 at 99%', 3000);
    expect(m.template(r.id)).toMatchObject({
      firstSeen: 1000,
      lastSeen: 3000,
      example: 'disk /dev/sda1 at 91%',
    });
  });

  it('keeps the template count bounded: at capacity a line joins the closest template of its leaf', () => {
    const m = new TemplateMiner();
    for (let i = 0; i < MINER_SETTINGS.maxTemplates + 50; i++)
      m.add(`w${i.toString(36).replace(/\d/g, 'q')}x only`);
    expect(m.templates().length).toBeLessThanOrEqual(MINER_SETTINGS.maxTemplates);
  });
});

describe('TemplateMiner state', () => {
  const history = [
    'PacketResponder 1 for block blk_-1608999687919862906 terminating',
    'Received block blk_-1608999687919862906 of size 91178 from /10.250.10.6',
    'Invalid user webmaster from 173.234.31.186',
    'Invalid user test9 from 52.80.34.196',
    'Invalid user oracle from 52.80.34.196',
    'Invalid user guest from 52.80.34.196',
    'Invalid user pi from 52.80.34.196',
    'Ending TrustedInstaller initialization.',
  ];
  const later = [
    'PacketResponder 0 for block blk_38865049064139660 terminating',
    'Invalid user ubuntu from 1.2.3.4',
    'Ending TrustedInstaller finalization.',
    'Starting TrustedInstaller initialization.',
    'Received block blk_1 of size 5 from /10.0.0.1',
  ];

  it('a reloaded miner assigns the same ids to the same lines as the one that kept running', () => {
    const running = new TemplateMiner();
    history.forEach((l, i) => running.add(l, i));
    const saved = JSON.parse(JSON.stringify(running.exportState())) as unknown;
    const reloaded = TemplateMiner.fromState(saved);
    expect(reloaded.templates()).toEqual(running.templates());
    for (const line of [...history, ...later]) {
      const a = running.add(line);
      const b = reloaded.add(line);
      expect(b).toEqual(a);
    }
    expect(reloaded.exportState()).toEqual(running.exportState());
  });

  it('reloads from templates saved one by one as events report them', () => {
    const running = new TemplateMiner();
    const saved = new Map<string, unknown>();
    const aliases: Record<string, string> = {};
    for (const line of history) {
      for (const e of running.add(line).events) {
        saved.set(e.id, running.templateState(e.id));
        if (e.type === 'template:merge') {
          for (const gone of e.absorbed) {
            saved.delete(gone);
            aliases[gone] = e.id;
          }
        }
      }
    }
    // Counts change on every line; a store would refresh them now and then (here: at the end).
    for (const id of saved.keys()) saved.set(id, running.templateState(id));
    const reloaded = TemplateMiner.fromState({
      version: 1,
      templates: [...saved.values()].reverse(),
      aliases,
    });
    for (const line of later) expect(reloaded.add(line).id).toBe(running.add(line).id);
  });

  it('resolves ids absorbed before the restart', () => {
    const m = new TemplateMiner();
    const first = history.map((l) => m.add(l).id);
    const reloaded = TemplateMiner.fromState(m.exportState());
    expect(reloaded.resolve(first[3])).toBe(m.resolve(first[3]));
  });

  it('refuses a malformed state naming the field', () => {
    const good = new TemplateMiner();
    good.add('a b c');
    const state = good.exportState();
    const bad = (patch: (s: Record<string, unknown>) => void): unknown => {
      const s = JSON.parse(JSON.stringify(state)) as Record<string, unknown>;
      patch(s);
      return s;
    };
    const fieldOf = (value: unknown): string | undefined => {
      try {
        TemplateMiner.fromState(value);
      } catch (err) {
        if (err instanceof ValidationError) return err.field;
      }
      return undefined;
    };
    expect(fieldOf(null)).toBe('state');
    expect(fieldOf(bad((s) => (s.version = 9)))).toBe('state.version');
    expect(fieldOf(bad((s) => (s.templates = {})))).toBe('state.templates');
    expect(fieldOf(bad((s) => ((s.templates as Record<string, unknown>[])[0].tokens = [1])))).toBe(
      'state.templates.0.tokens',
    );
    expect(fieldOf(bad((s) => ((s.templates as Record<string, unknown>[])[0].count = -1)))).toBe(
      'state.templates.0.count',
    );
    expect(fieldOf(bad((s) => (s.aliases = { x: 3 })))).toBe('state.aliases.x');
    expect(fieldOf(bad((s) => (s.next_seq = 0)))).toBe('state.next_seq');
    const twice = bad((s) => (s.templates as unknown[]).push((s.templates as unknown[])[0]));
    expect(fieldOf(twice)).toBe('state.templates.1.id');
  });
});
