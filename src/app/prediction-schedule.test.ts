import { describe, expect, it } from 'vitest';
import { PreflightPlanner, RetrainSchedule, checkCron, nextCronTime } from './prediction-schedule.js';

const at = (s: string) => Date.parse(`2026-03-01T${s}Z`);

describe('preflight planning', () => {
  it('plans each scheduled run once, within the lead time; skips inactive and bad crons (reported once)', () => {
    const bad: string[] = [];
    const planner = new PreflightPlanner(5 * 60_000, (id) => bad.push(id));
    const pipelines = [
      { pipeline_id: 'a', schedule_cron: '*/15 * * * *', is_active: true },
      { pipeline_id: 'off', schedule_cron: '*/15 * * * *', is_active: false },
      { pipeline_id: 'none', schedule_cron: null, is_active: true },
      { pipeline_id: 'junk', schedule_cron: 'every tuesday', is_active: true },
    ];
    expect(planner.due(pipelines, at('12:01:00'))).toEqual([]);
    expect(planner.due(pipelines, at('12:11:00'))).toEqual([
      { pipeline_id: 'a', planned_at: at('12:15:00') },
    ]);
    expect(planner.due(pipelines, at('12:13:00'))).toEqual([]);
    expect(planner.due(pipelines, at('12:26:00'))).toEqual([
      { pipeline_id: 'a', planned_at: at('12:30:00') },
    ]);
    expect(bad).toEqual(['junk']);
  });
});

describe('retraining schedule', () => {
  it('fires once per cron time that has come', () => {
    const s = new RetrainSchedule('0 3 * * *', at('12:00:00'));
    expect(s.next).toBe(Date.parse('2026-03-02T03:00:00Z'));
    expect(s.take(Date.parse('2026-03-02T02:59:59Z'))).toBe(false);
    expect(s.take(Date.parse('2026-03-02T03:00:30Z'))).toBe(true);
    expect(s.take(Date.parse('2026-03-02T03:01:00Z'))).toBe(false);
    expect(s.next).toBe(Date.parse('2026-03-03T03:00:00Z'));
  });

  it('refuses a bad expression naming the option', () => {
    expect(() => checkCron('not a cron', 'retrain-cron')).toThrow(
      /retrain-cron: "not a cron" is not a cron expression/,
    );
    expect(nextCronTime('30 * * * *', at('12:30:00'))).toBe(at('13:30:00'));
  });
});
