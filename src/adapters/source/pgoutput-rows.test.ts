import { PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import { describe, expect, it } from 'vitest';
import { PgoutputRowsPlugin } from './pgoutput-rows.js';

type Value = string | null | { unchanged: true } | { binary: Buffer };

const COLUMNS: [string, number][] = [
  ['id', 2950], // uuid
  ['pipeline_id', 2950],
  ['status', 25], // text
  ['started_at', 1184], // timestamptz
  ['completed_at', 1184],
  ['duration_seconds', 1700], // numeric
  ['context', 3802], // jsonb
  ['retry_count', 23], // int4
  ['created_at', 1114], // timestamp without time zone
];

function relationMessage(oid: number, columns: [string, number][]): Buffer {
  const parts = [
    Buffer.from('R'),
    int32(oid),
    cstr('public'),
    cstr('executions'),
    Buffer.from('d'),
    int16(columns.length),
  ];
  for (const [name, type] of columns) parts.push(Buffer.from([1]), cstr(name), int32(type), int32(-1));
  return Buffer.concat(parts);
}

function tuple(values: Value[]): Buffer {
  const parts = [int16(values.length)];
  for (const v of values) {
    if (v === null) parts.push(Buffer.from('n'));
    else if (typeof v === 'string') parts.push(Buffer.from('t'), int32(Buffer.byteLength(v)), Buffer.from(v));
    else if ('unchanged' in v) parts.push(Buffer.from('u'));
    else parts.push(Buffer.from('b'), int32(v.binary.length), v.binary);
  }
  return Buffer.concat(parts);
}

const insert = (oid: number, values: Value[]) =>
  Buffer.concat([Buffer.from('I'), int32(oid), Buffer.from('N'), tuple(values)]);
const update = (oid: number, values: Value[], old?: Value[]) =>
  Buffer.concat([
    Buffer.from('U'),
    int32(oid),
    ...(old === undefined ? [] : [Buffer.from('O'), tuple(old)]),
    Buffer.from('N'),
    tuple(values),
  ]);

function int16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v);
  return b;
}
function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
}
function cstr(s: string): Buffer {
  return Buffer.concat([Buffer.from(s), Buffer.from([0])]);
}

const ROW: Value[] = [
  '6f1c8a53-8d7e-4c43-9b0e-3f4a2b1c0d9e',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  'completed — ünïcode ✓',
  '2026-11-29 08:45:12.123456+05:30',
  '1900-01-01 17:21:10.987654+05:21:10',
  '12.500',
  '{"retry_count": 2, "labels": {"fault": null}}',
  '3',
  '2026-11-29 03:15:12.5',
];

/** Both plugins after the same relation message. */
function plugins(columns = COLUMNS): [PgoutputRowsPlugin, PgoutputPlugin] {
  const ours = new PgoutputRowsPlugin({ protoVersion: 1, publicationNames: ['p'] });
  const library = new PgoutputPlugin({ protoVersion: 1, publicationNames: ['p'] });
  for (const p of [ours, library]) p.parse(relationMessage(16384, columns));
  return [ours, library];
}

/** The library's row with each timestamptz as epoch milliseconds (what ours hands over). */
function asMillis(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, type] of COLUMNS) {
    const v = row[name];
    out[name] = type === 1184 && v instanceof Date ? v.getTime() : v;
  }
  return out;
}

describe('pgoutput rows', () => {
  it('reads an insert as the library does, timestamptz as epoch milliseconds', () => {
    const [ours, library] = plugins();
    const got = ours.parse(insert(16384, ROW)) as Pgoutput.MessageInsert;
    const want = library.parse(insert(16384, ROW)) as Pgoutput.MessageInsert;
    expect(got.tag).toBe('insert');
    expect(got.relation).toMatchObject({ schema: 'public', name: 'executions' });
    expect({ ...got.new }).toEqual(asMillis(want.new));
    expect(got.new.started_at).toBe(Date.UTC(2026, 10, 29, 3, 15, 12, 123));
    expect(got.new.completed_at).toBe(Date.UTC(1900, 0, 1, 12, 0, 0, 987));
    expect(got.new.created_at).toBeInstanceOf(Date); // no zone in the text: the general parser's reading
  });

  it('reads a plain update and nulls the same way', () => {
    const [ours, library] = plugins();
    const values = ROW.map((v, i) => (i >= 4 ? null : v));
    const got = ours.parse(update(16384, values)) as Pgoutput.MessageUpdate;
    const want = library.parse(update(16384, values)) as Pgoutput.MessageUpdate;
    expect(got).toMatchObject({ tag: 'update', key: null, old: null });
    expect({ ...got.new }).toEqual(asMillis(want.new));
  });

  it("leaves updates with an old tuple, unchanged TOAST and binary values to the library's parser", () => {
    const [ours, library] = plugins();
    const toasted = ROW.map((v, i) => (i === 6 ? { unchanged: true as const } : v));
    const binary = ROW.map((v, i) => (i === 2 ? { binary: Buffer.from([1, 2]) } : v));
    for (const message of [update(16384, toasted, ROW), insert(16384, toasted), insert(16384, binary)])
      expect(ours.parse(message)).toEqual(library.parse(message));
  });

  it('uses the newest relation message and keeps other messages as they were', () => {
    const [ours, library] = plugins();
    const renamed: [string, number][] = COLUMNS.map(([n, t]) => [n === 'status' ? 'state' : n, t]);
    for (const p of [ours, library]) p.parse(relationMessage(16384, renamed));
    const got = ours.parse(insert(16384, ROW)) as Pgoutput.MessageInsert;
    expect(got.new.state).toBe(ROW[2]);
    expect('status' in got.new).toBe(false);
    const commit = Buffer.concat([Buffer.from('C'), Buffer.from([0]), Buffer.alloc(24)]);
    expect(ours.parse(commit)).toEqual(library.parse(commit));
  });

  it('refuses a tuple cut short', () => {
    const [ours] = plugins();
    const message = insert(16384, ROW);
    expect(() => ours.parse(message.subarray(0, message.length - 3))).toThrow(/end of message/);
  });
});
