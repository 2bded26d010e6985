import { readFile } from 'node:fs/promises';
import { ValidationError, toError } from '../shared/index.js';
import { matrixFromColumns, type Matrix } from '../ml/matrix.js';

/** A parsed CSV file: the header's names and each record's raw cell text. */
export interface CsvTable {
  header: string[];
  records: string[][];
}

/** The numeric columns of a table; `skipped` names the columns that are not numeric. */
export interface NumericColumns {
  names: string[];
  columns: Float64Array[];
  skipped: string[];
}

/** Features and a label taken from a table's numeric columns. */
export interface LabelledData {
  x: Matrix;
  y: Float64Array;
  featureNames: string[];
  /** Non-numeric columns left out of `x`. */
  skipped: string[];
}

// Cells that mean "no value"; they read as NaN rather than making a column non-numeric.
const MISSING = new Set(['', 'na', 'nan', 'null', 'none']);

/**
 * Parses RFC 4180 CSV: a header line, comma-separated fields, double-quoted fields that may hold
 * commas, newlines and doubled quotes, LF or CRLF endings. Blank lines are skipped; a record whose
 * field count differs from the header's is refused with its line number.
 */
export function parseCsv(text: string): CsvTable {
  const rows: string[][] = [];
  const lines: number[] = [];
  let row: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = (): void => {
    row.push(field);
    field = '';
    if (row.length > 1 || row[0] !== '') {
      rows.push(row);
      lines.push(rowLine);
    }
    row = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && field === '') {
      const start = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new ValidationError('csv', `line ${start}: quoted field never closed`);
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          field += '"';
          i += 2;
        } else {
          if (text[i] === '\n') line++;
          field += text[i++];
        }
      }
      i++;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\n' || ch === '\r') {
      endRow();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      rowLine = line;
    } else {
      // Unquoted text runs to the next separator; slicing it whole is much faster than char appends.
      const start = i;
      while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++;
      field += text.slice(start, i);
    }
  }
  if (field !== '' || row.length > 0) endRow();
  if (rows.length === 0) throw new ValidationError('csv', 'the file is empty (no header line)');
  const header = rows[0];
  for (let r = 1; r < rows.length; r++) {
    if (rows[r].length !== header.length) {
      throw new ValidationError(
        'csv',
        `line ${lines[r]}: ${rows[r].length} fields, the header has ${header.length}`,
      );
    }
  }
  return { header, records: rows.slice(1) };
}

/**
 * Keeps the columns whose every cell is a finite number or a missing marker (empty, NA, NaN, null,
 * none → NaN); a column with no number at all counts as not numeric.
 */
export function numericColumns(table: CsvTable): NumericColumns {
  const out: NumericColumns = { names: [], columns: [], skipped: [] };
  table.header.forEach((name, c) => {
    const column = new Float64Array(table.records.length);
    let numbers = 0;
    for (let r = 0; r < table.records.length; r++) {
      const cell = table.records[r][c].trim();
      if (MISSING.has(cell.toLowerCase())) {
        column[r] = NaN;
        continue;
      }
      const v = Number(cell);
      if (!Number.isFinite(v)) {
        out.skipped.push(name);
        return;
      }
      column[r] = v;
      numbers++;
    }
    if (numbers === 0) out.skipped.push(name);
    else {
      out.names.push(name);
      out.columns.push(column);
    }
  });
  return out;
}

/** Splits numeric columns into a feature matrix and the named label column (which must be numeric). */
export function labelledData(table: CsvTable, labelColumn: string): LabelledData {
  if (!table.header.includes(labelColumn)) {
    throw new ValidationError(
      'label_column',
      `no column named "${labelColumn}" (columns: ${table.header.join(', ')})`,
    );
  }
  const numeric = numericColumns(table);
  const at = numeric.names.indexOf(labelColumn);
  if (at < 0) throw new ValidationError('label_column', `label column "${labelColumn}" is not numeric`);
  const y = numeric.columns[at];
  const featureColumns = numeric.columns.filter((_, c) => c !== at);
  return {
    x: matrixFromColumns(featureColumns, y.length),
    y,
    featureNames: numeric.names.filter((_, c) => c !== at),
    skipped: numeric.skipped,
  };
}

/** Reads and parses a CSV file; a missing or unreadable file is a ValidationError naming the path. */
export async function readCsvFile(path: string): Promise<CsvTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ValidationError('csv', `cannot read ${path}: ${toError(err).message}`, { cause: err });
  }
  try {
    return parseCsv(text);
  } catch (err) {
    const e = toError(err);
    throw new ValidationError('csv', `${path}: ${e.message}`, { cause: err });
  }
}
