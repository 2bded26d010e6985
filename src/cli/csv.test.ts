import { describe, expect, it } from 'vitest';
import { labelledData, numericColumns, parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('reads a header, quoted fields with commas, newlines and doubled quotes, CRLF and a BOM', () => {
    const t = parseCsv('\ufeffa,b,c\r\n1,"x, ""y""",3\r\n\r\n4,"two\nlines",6');
    expect(t.header).toEqual(['a', 'b', 'c']);
    expect(t.records).toEqual([
      ['1', 'x, "y"', '3'],
      ['4', 'two\nlines', '6'],
    ]);
  });

  it('refuses a ragged record with its line number, an open quote and an empty file', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow(/line 3: 1 fields, the header has 2/);
    expect(() => parseCsv('a\n"open\n')).toThrow(/line 2: quoted field never closed/);
    expect(() => parseCsv('')).toThrow(/empty/);
  });
});

describe('numericColumns and labelledData', () => {
  const table = parseCsv('f0,name,f1,label\n1.5,a,,0\n-2,b,NA,1\n3e2,c,7,0\n');

  it('keeps numeric columns, reads missing markers as NaN and names the rest', () => {
    const n = numericColumns(table);
    expect(n.names).toEqual(['f0', 'f1', 'label']);
    expect(n.skipped).toEqual(['name']);
    expect([...n.columns[1]]).toEqual([NaN, NaN, 7]);
  });

  it('splits a row-major feature matrix from the label', () => {
    const d = labelledData(table, 'label');
    expect(d.featureNames).toEqual(['f0', 'f1']);
    expect([...d.y]).toEqual([0, 1, 0]);
    expect(d.x.rows).toBe(3);
    expect(d.x.cols).toBe(2);
    expect([...d.x.data]).toEqual([1.5, NaN, -2, NaN, 300, 7]);
  });

  it('refuses a missing or non-numeric label column', () => {
    expect(() => labelledData(table, 'y')).toThrow(/no column named "y"/);
    expect(() => labelledData(table, 'name')).toThrow(/not numeric/);
  });
});
