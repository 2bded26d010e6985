import { describe, expect, it } from 'vitest';
import type { ModeRunner, RunControl } from './run-control.js';
import { SourceSupervisor } from './supervisor.js';

describe('SourceSupervisor', () => {
  it('restarts a failing runner with growing jittered delays and reports health', async () => {
    const starts: number[] = [];
    const delays: number[] = [];
    let ctlSeen: RunControl | null = null;
    const runner: ModeRunner = {
      mode: 'poll',
      async run(ctl) {
        starts.push(Date.now());
        if (starts.length <= 3) throw new Error(`connection refused #${starts.length}`);
        ctl.connected();
        ctl.caughtUp(ctl.now());
        ctlSeen = ctl;
        while (!ctl.stopped()) await ctl.sleep(1000);
      },
    };
    const sup = new SourceSupervisor(runner, {
      name: 'src',
      clock: { now: () => Date.now() },
      random: () => 1,
      baseBackoffMs: 10,
      onError: (_e, ms) => delays.push(ms),
    });
    expect(sup.health()).toMatchObject({ name: 'src', mode: 'poll', connected: false, last_error: null });
    sup.start();
    for (let i = 0; i < 100 && ctlSeen === null; i++) await new Promise((r) => setTimeout(r, 10));
    expect(delays).toEqual([10, 20, 40]);
    expect(sup.health()).toMatchObject({ connected: true, last_error: null });
    expect(sup.health().lag_seconds).toBeLessThan(1);
    await sup.stop();
    expect(sup.health().connected).toBe(false);
  });

  it('keeps the last error while the source is down and stops promptly while waiting to retry', async () => {
    const sup = new SourceSupervisor(
      {
        mode: 'replication',
        run: async () => {
          throw new Error('no route to host');
        },
      },
      { name: 'src', clock: { now: () => Date.now() }, random: () => 0, baseBackoffMs: 60_000 },
    );
    sup.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(sup.health()).toMatchObject({ connected: false, last_error: 'no route to host' });
    const t0 = Date.now();
    await sup.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
