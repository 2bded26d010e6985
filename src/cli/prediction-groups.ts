import { ValidationError } from '../shared/index.js';
import { numericColumns, type CsvTable } from './csv.js';
import { parseTimestamp } from './timestamp.js';

/** A CSV file's name (for messages and group names) and its parsed table. */
export interface NamedTable {
  name: string;
  table: CsvTable;
}

/** Which columns mean what. */
export interface GroupColumns {
  label: string;
  time?: string;
  group?: string;
}

/** One group's rows in time order: features (row-major), 0/1 labels and epoch-ms times (NaN = none). */
export interface Group {
  group: string;
  featureNames: string[];
  x: Float64Array;
  y: Float64Array;
  times: Float64Array;
}

/** The groups of all tables, and the non-numeric columns left out of the features. */
export interface Groups {
  groups: Group[];
  leftOut: string[];
}

function columnIndex(t: NamedTable, name: string, flag: string): number {
  const at = t.table.header.indexOf(name);
  if (at < 0) {
    throw new ValidationError(
      flag.replace(/^--/, '').replace(/-/g, '_'),
      `${t.name}: no column named "${name}" (columns: ${t.table.header.join(', ')})`,
    );
  }
  return at;
}

function label(t: NamedTable, r: number, cell: string): number {
  const v = cell.trim().toLowerCase();
  if (v === '1' || v === 'true') return 1;
  if (v === '0' || v === 'false') return 0;
  throw new ValidationError('label_column', `${t.name} row ${r + 1}: label "${cell}" is not 0 or 1`);
}

/**
 * Splits each table into groups (by the group column, sorted by name, else the whole file) with their
 * rows sorted by time (stable; file order without a time column). Features are the numeric columns
 * other than the label, time and group; rows are numbered from 1 after the header in messages.
 */
export function groupTables(tables: readonly NamedTable[], columns: GroupColumns): Groups {
  const leftOut = new Set<string>();
  const groups: Group[] = [];
  for (const t of tables) {
    const labelAt = columnIndex(t, columns.label, '--label-column');
    const timeAt = columns.time === undefined ? -1 : columnIndex(t, columns.time, '--time-column');
    const groupAt = columns.group === undefined ? -1 : columnIndex(t, columns.group, '--group-column');
    const special = new Set([columns.label, columns.time, columns.group]);
    const numeric = numericColumns(t.table);
    numeric.skipped.filter((n) => !special.has(n)).forEach((n) => leftOut.add(n));
    const keep = numeric.names
      .map((n, i) => ({ n, col: numeric.columns[i] }))
      .filter((c) => !special.has(c.n));
    const records = t.table.records;
    const y = records.map((rec, r) => label(t, r, rec[labelAt]));
    const times = records.map((rec, r) => {
      if (timeAt < 0) return NaN;
      const ms = parseTimestamp(rec[timeAt]);
      if (ms === undefined) {
        throw new ValidationError(
          'time_column',
          `${t.name} row ${r + 1}: cannot read time "${rec[timeAt]}" (ISO-8601 or epoch seconds/ms)`,
        );
      }
      return ms;
    });
    const members = new Map<string, number[]>();
    records.forEach((rec, r) => {
      const key = groupAt < 0 ? t.name : tables.length > 1 ? `${t.name}/${rec[groupAt]}` : rec[groupAt];
      const list = members.get(key);
      if (list) list.push(r);
      else members.set(key, [r]);
    });
    for (const [group, rows] of [...members].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      if (timeAt >= 0) rows.sort((a, b) => times[a] - times[b] || a - b);
      const cols = keep.length;
      const x = new Float64Array(rows.length * cols);
      rows.forEach((r, i) => keep.forEach((c, j) => (x[i * cols + j] = c.col[r])));
      groups.push({
        group,
        featureNames: keep.map((c) => c.n),
        x,
        y: Float64Array.from(rows, (r) => y[r]),
        times: Float64Array.from(rows, (r) => times[r]),
      });
    }
  }
  return { groups, leftOut: [...leftOut] };
}
