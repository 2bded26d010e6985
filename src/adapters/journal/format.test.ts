import { describe, expect, it } from 'vitest';
import { decodeSegment, encodeGroup, GROUP_HEADER_BYTES } from './format.js';

const groupA = ['{"a":1}', '{"b":"é ✓ 𝄞"}'];
const groupB = ['{"c":3}'];

describe('journal format', () => {
  it('round-trips groups with their sequence numbers', () => {
    const buf = Buffer.concat([encodeGroup(1, groupA), encodeGroup(3, groupB)]);
    const decoded = decodeSegment(buf);
    expect(decoded.validBytes).toBe(buf.length);
    expect(decoded.groups).toEqual([
      { firstSeq: 1, lines: groupA },
      { firstSeq: 3, lines: groupB },
    ]);
  });

  it('stops at a torn tail, whatever byte the write was cut at', () => {
    const first = encodeGroup(1, groupA);
    const second = encodeGroup(3, groupB);
    for (let cut = 1; cut < second.length; cut++) {
      const decoded = decodeSegment(Buffer.concat([first, second.subarray(0, cut)]));
      expect(decoded.validBytes).toBe(first.length);
      expect(decoded.groups).toHaveLength(1);
    }
  });

  it('stops at a group whose checksum does not match', () => {
    const first = encodeGroup(1, groupA);
    const second = encodeGroup(3, groupB);
    second[GROUP_HEADER_BYTES + 2] ^= 0xff;
    const decoded = decodeSegment(Buffer.concat([first, second, encodeGroup(4, groupB)]));
    expect(decoded.validBytes).toBe(first.length);
  });

  it('treats zero-filled space after the last group as the end', () => {
    const first = encodeGroup(7, groupB);
    const decoded = decodeSegment(Buffer.concat([first, Buffer.alloc(100)]));
    expect(decoded.groups).toEqual([{ firstSeq: 7, lines: groupB }]);
    expect(decoded.validBytes).toBe(first.length);
  });
});
