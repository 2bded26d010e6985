import { describe, expect, it } from 'vitest';
import { acknowledgeArgument, bigIntToLsn, lsnToBigInt } from './lsn.js';

describe('WAL positions', () => {
  it('round-trips through numbers, padded or not', () => {
    expect(bigIntToLsn(lsnToBigInt('00000001/0000A0F8'))).toBe('1/A0F8');
    expect(lsnToBigInt('1/0') - lsnToBigInt('0/FFFFFFFF')).toBe(1n);
  });

  it('hands the replication library one less than the commit end (it sends its argument + 1)', () => {
    expect(acknowledgeArgument('00000000/C2F0F6B8')).toBe('0/C2F0F6B7');
    expect(acknowledgeArgument('2/0')).toBe('1/FFFFFFFF');
    expect(acknowledgeArgument('0/0')).toBeNull();
  });
});
