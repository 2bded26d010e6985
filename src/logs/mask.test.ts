import { describe, expect, it } from 'vitest';
import { maskLine, maskTokens } from './mask.js';

describe('maskLine', () => {
  it.each([
    ['numbers, signs and decimals', 'retry 3 of 5 after -1.5 and +2', 'retry <*> of <*> after <*> and <*>'],
    ['hex with and without digits', 'addr 0x7ffe12 code deadbeefcafe ok', 'addr <*> code <*> ok'],
    ['short hex-looking words stay', 'added a bad face', 'added a bad face'],
    ['IPv4 with port, in brackets', 'from 10.0.0.12:5432 [172.16.0.1] ok', 'from <*> [<*>] ok'],
    ['IPv6', 'connect to [::1]:5432 failed', 'connect to [<*> failed'],
    [
      'UUIDs, digit-led or letter-led',
      'job 123e4567-e89b-12d3-a456-426614174000 and deadbeef-e89b-12d3-a456-426614174000',
      'job <*> and <*>',
    ],
    [
      'Unix, home, relative and Windows paths',
      'open /var/lib/pg ~/x ./a.yaml C:\\Temp\\f \\\\srv\\s',
      'open <*> <*> <*> <*> <*>',
    ],
    ['a path of one word keeps nothing', 'to /default-rack', 'to <*>'],
    ['URLs keep their scheme', 'GET https://api.example.com/v1/u?id=3 200', 'GET https://<*> <*>'],
    ['jar-style URLs', 'Extract jar:file:/opt/x.jar to /tmp', 'Extract <*> to <*>'],
    ['ISO timestamps', 'at 2024-01-15T10:30:00.123Z done', 'at <*> done'],
    [
      'spaced timestamps with month and weekday names',
      'on Mon Jan 15 10:30:00 2024 x',
      'on <*> <*> <*> <*> <*> x',
    ],
    [
      'date words in brackets or before commas',
      '[Sun Dec 04 04:47:44 2005] Fri, Jul 01 x',
      '[<*> <*> <*> <*> <*>] <*>, <*> <*> x',
    ],
    ['month names stay words elsewhere', 'Jan said May we go', 'Jan said May we go'],
    ['durations joined and spaced', 'took 150ms then 30 s, and 2 min', 'took <*> then <*> <*>, and <*> <*>'],
    ['sizes with units', 'size 5.2 KB, free 1 MB)', 'size <*> <*>, free <*> <*>)'],
    ['e-mail addresses', 'mail <alice@example.com> sent to bob.smith@corp.io', 'mail <<*>> sent to <*>'],
    ['double-quoted values', 'relation "users" does not exist', 'relation "<*>" does not exist'],
    ['single-quoted values with spaces', "table 'my table' locked", "table '<*>' locked"],
    ['an apostrophe in a word is no quote', "it's fine", "it's fine"],
    [
      'key=value values, bracketed',
      'user=alice status=200 (uid=0) retries=3,',
      'user=<*> status=<*> (uid=<*>) retries=<*>,',
    ],
    ['an empty value stays', 'logname= uid=0', 'logname= uid=<*>'],
    ['quoted key=value values with spaces', 'msg="a b c" next', 'msg="<*>" next'],
    ['quoted key:value values', 'reason:"disk full" ok', 'reason:"<*>" ok'],
    ['ids joined by _ and - are wholly variable', 'blk_-42 attempt_1_0020_m_3 worker-7', '<*> <*> <*>'],
    [
      'a label before . or : is kept',
      'core.12 PendingReds:0 depth....0',
      'core.<*> PendingReds:<*> depth....<*>',
    ],
    ['punctuation alone is no label', '#42 @0x7f', '<*> <*>'],
    ['plain words untouched', 'Connection closed by peer', 'Connection closed by peer'],
  ])('%s', (_name, line, masked) => {
    expect(maskLine(line)).toBe(masked);
  });

  it('splits on any whitespace and drops empty tokens', () => {
    expect(maskTokens('  a\tb  \n c ')).toEqual(['a', 'b', 'c']);
    expect(maskTokens('')).toEqual([]);
  });
});
