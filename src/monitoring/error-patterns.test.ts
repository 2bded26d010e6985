import { describe, expect, it } from 'vitest';
import { TemplateMiner, classifyError, messageKey, minedLines } from '../logs/index.js';
import { FakeClock } from '../shared/index.js';
import { MonitoringEngine } from './engine.js';
import { execution, MIN, T0 } from './testing.js';
import type { ErrorPatternNamer } from './types.js';

/** A namer over a miner fed by the test, as the service's log mining feeds it. */
function minerNamer(): { namer: ErrorPatternNamer; mine(message: string): void } {
  const miner = new TemplateMiner();
  const signatures = new Map<string, string>();
  let epoch = 0;
  return {
    mine(message) {
      for (const line of minedLines(message)) {
        const mined = miner.add(line);
        if (mined.events.length > 0) epoch++;
        if (!signatures.has(mined.id)) signatures.set(mined.id, classifyError(line).signature);
      }
    },
    namer: {
      keyOf: messageKey,
      describe(key) {
        const t = miner.lookup(key.split(' '));
        return t === undefined
          ? undefined
          : { template_id: t.id, pattern: t.text, signature: signatures.get(t.id) ?? 'unknown' };
      },
      epoch: () => epoch,
    },
  };
}

describe('dominant error patterns with an injected namer', () => {
  it('names timeout the dominant pattern of the original case, with its signature and template', () => {
    const clock = new FakeClock(T0);
    const { namer, mine } = minerNamer();
    const engine = new MonitoringEngine({
      windowMs: 60 * MIN,
      maxEventsPerPipeline: 5000,
      clock,
      errorPatterns: namer,
    });
    for (let i = 1; i <= 6; i++) {
      const failed = i === 1 || i === 5;
      engine.apply(
        execution({
          pipeline_id: 'pipe-1',
          event_time: clock.now(),
          status: failed ? 'failed' : 'completed',
          error_message: failed ? 'timeout' : null,
        }),
      );
      if (failed) mine('timeout');
      clock.advance(1000);
    }
    const [top, ...rest] = engine.snapshot('pipe-1')!.signals.dominant_error_patterns;
    expect(rest).toEqual([]);
    expect(top).toMatchObject({ pattern: 'timeout', count: 2, share: 1, signature: 'timeout' });
    expect(top.template_id).toMatch(/^t/);
  });

  it('counts messages of one template together, under the template text', () => {
    const clock = new FakeClock(T0);
    const { namer, mine } = minerNamer();
    const engine = new MonitoringEngine({
      windowMs: 60 * MIN,
      maxEventsPerPipeline: 5000,
      clock,
      errorPatterns: namer,
    });
    const messages = [
      'connection refused to db-1:5432',
      'connection refused to db-2:5432',
      'connection refused to db-3:5432',
      'out of memory: killed process 4411',
    ];
    for (const m of messages) {
      engine.apply(
        execution({ pipeline_id: 'p', event_time: clock.now(), status: 'failed', error_message: m }),
      );
      mine(m);
    }
    const patterns = engine.snapshot('p')!.signals.dominant_error_patterns;
    expect(patterns.map((p) => [p.count, p.signature])).toEqual([
      [3, 'connection'],
      [1, 'out_of_memory'],
    ]);
    expect(patterns[0].pattern).toContain('connection refused to');
  });

  it('keeps an unmined message as its masked shape, then names it once mined', () => {
    const clock = new FakeClock(T0);
    const { namer, mine } = minerNamer();
    const engine = new MonitoringEngine({
      windowMs: 60 * MIN,
      maxEventsPerPipeline: 5000,
      clock,
      errorPatterns: namer,
    });
    engine.apply(
      execution({ pipeline_id: 'p', event_time: clock.now(), status: 'failed', error_message: 'boom 42' }),
    );
    expect(engine.snapshot('p')!.signals.dominant_error_patterns).toEqual([
      { pattern: 'boom <*>', count: 1, share: 1, signature: 'unknown', template_id: null },
    ]);
    // The window did not change, but the namer did: the cached snapshot is named again.
    mine('boom 42');
    expect(engine.snapshot('p')!.signals.dominant_error_patterns[0].template_id).toMatch(/^t/);
  });
});
