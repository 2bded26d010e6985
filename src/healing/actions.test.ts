import { describe, expect, it } from 'vitest';
import { ACTION_RISK, SAFE_LADDER, nextOnLadder } from './actions.js';
import { ACTION_IDS } from './types.js';

describe('the safe ladder', () => {
  it('climbs from continue to terminate, then to a human', () => {
    expect(SAFE_LADDER).toEqual([
      'continue',
      'retry_stage',
      'skip_stage',
      'pause_pipeline',
      'rollback_pipeline',
      'terminate_execution',
    ]);
    expect(nextOnLadder('continue')).toBe('retry_stage');
    expect(nextOnLadder('retry_stage')).toBe('skip_stage');
    expect(nextOnLadder('rollback_pipeline')).toBe('terminate_execution');
    expect(nextOnLadder('terminate_execution')).toBe('escalate_to_human');
  });

  it('moves on from the rung beside which an action stands; tickets go to a human', () => {
    expect(nextOnLadder('scale_workers')).toBe('skip_stage');
    expect(nextOnLadder('increase_timeout')).toBe('skip_stage');
    expect(nextOnLadder('resume_pipeline')).toBe('retry_stage');
    expect(nextOnLadder('open_ticket')).toBe('escalate_to_human');
    expect(nextOnLadder('notify')).toBe('escalate_to_human');
  });

  it('gives every action a risk; rollback and terminate are high', () => {
    for (const a of ACTION_IDS) expect(ACTION_RISK[a]).toMatch(/^(low|medium|high)$/);
    expect(ACTION_RISK.rollback_pipeline).toBe('high');
    expect(ACTION_RISK.terminate_execution).toBe('high');
    expect(ACTION_RISK.retry_stage).toBe('low');
  });
});
