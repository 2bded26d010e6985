import { describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/index.js';
import { compileLogFormat } from './log-format.js';

describe('compileLogFormat', () => {
  it('splits a line into named fields; spaces match any whitespace, the rest is a regex', () => {
    const f = compileLogFormat('<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>');
    expect(f.fields).toEqual(['Date', 'Time', 'Level', 'Node', 'Component', 'Id', 'Content']);
    expect(f.parse('2015-07-29 17:41:44,747 - INFO  [main:QuorumPeer@913] - FOLLOWING took 12 ms')).toEqual({
      Date: '2015-07-29',
      Time: '17:41:44,747',
      Level: 'INFO',
      Node: 'main',
      Component: 'QuorumPeer',
      Id: '913',
      Content: 'FOLLOWING took 12 ms',
    });
  });

  it('returns null for a line that does not fit', () => {
    expect(compileLogFormat('\\[<Time>\\] <Content>').parse('no brackets here')).toBeNull();
  });

  it('refuses formats without fields, with bad or repeated names, or bad regexes, naming `format`', () => {
    for (const bad of ['plain text', '<a b> <Content>', '<X> <X>', '<X> ( <Content>']) {
      expect(() => compileLogFormat(bad)).toThrow(ValidationError);
      try {
        compileLogFormat(bad);
      } catch (err) {
        expect((err as ValidationError).field).toBe('format');
      }
    }
  });
});
