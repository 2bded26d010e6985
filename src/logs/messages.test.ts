import { describe, expect, it } from 'vitest';
import { messageKey, minedLines } from './messages.js';
import { TemplateMiner, minerTokens } from './miner.js';

describe('minedLines', () => {
  it('reads a one-line message as itself, trimmed, and a blank one as nothing', () => {
    expect(minedLines('  socket timeout after 30s ')).toEqual(['socket timeout after 30s']);
    expect(minedLines(' \n ')).toEqual([]);
  });

  it('reads a stack trace as one line of its messages, without frames', () => {
    const trace = [
      'Traceback (most recent call last):',
      '  File "/app/load.py", line 12, in run',
      '    conn.execute(q)',
      'psycopg2.OperationalError: connection refused',
    ].join('\n');
    expect(minedLines(trace)).toEqual(['psycopg2.OperationalError: connection refused']);
  });

  it('reads separate lines of one entry as separate lines', () => {
    expect(minedLines('step 1 done\nstep 2 done')).toEqual(['step 1 done', 'step 2 done']);
  });
});

describe('messageKey and TemplateMiner.lookup', () => {
  it('gives messages of one shape one key, which finds the template the line joined', () => {
    const a = 'timeout after 30s on 10.0.0.7:5432';
    const b = 'timeout after 45s on 10.0.0.9:5432';
    expect(messageKey(a)).toBe(messageKey(b));
    const miner = new TemplateMiner();
    const mined = miner.add(minedLines(a)[0]);
    expect(miner.lookup(messageKey(b).split(' '))?.id).toBe(mined.id);
  });

  it('changes nothing and finds nothing for a line that would found a template', () => {
    const miner = new TemplateMiner();
    miner.add('disk full on /var/lib/data');
    expect(miner.lookup(minerTokens('permission denied for table users'))).toBeUndefined();
    expect(miner.templates()).toHaveLength(1);
    expect(miner.templates()[0].count).toBe(1);
  });
});
