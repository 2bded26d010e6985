/**
 * What each part of the `flexiroaster_ai.events` layout costs an insert, on the server PostgreSQL: the
 * same 100,000 bench events (bench/ingest-records.ts, decoded and encoded as the service does) copied
 * with one binary `COPY` into tables that differ in the payload type (jsonb, json) and the indexes.
 * Each variant gets a new table and three timed copies; the server reads the file itself (superuser),
 * so only the database's work is timed. Behind migration 011.
 *
 *   npx tsx bench/events-schema.ts [--postgres postgres://postgres@127.0.0.1:5432/postgres]
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { serializeEvent } from '../src/adapters/internal.js';
import { encodeEventsCopy, EVENTS_COPY_TARGET } from '../src/adapters/events/copy-binary.js';
import { decodeEvent } from '../src/ingest/index.js';
import { ingestRecord } from './ingest-records.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : String(process.argv[i + 1]);
};
const adminUrl = arg('postgres', 'postgres://postgres@127.0.0.1:5432/postgres');
const ROWS = 100_000;

let n = 0;
const ctx = { receivedAt: Date.now(), newId: () => `${randomUUID()}-${n++}` };
const events = Array.from({ length: ROWS }, (_, i) => decodeEvent(ingestRecord(i), ctx));
const jsonCopy = encodeEventsCopy(events, events.map(serializeEvent));

/** The same COPY input with jsonb's binary form for the payload: a version byte (1) before the text. */
function asJsonb(copy: Buffer): Buffer {
  const out = Buffer.alloc(copy.length + ROWS);
  let at = copy.copy(out, 0, 0, 19);
  let from = 19;
  for (;;) {
    const fields = copy.readInt16BE(from);
    at = out.writeInt16BE(fields, at);
    from += 2;
    if (fields === -1) break;
    for (let f = 0; f < fields; f++) {
      const len = copy.readInt32BE(from);
      from += 4;
      const payload = f === fields - 1;
      at = out.writeInt32BE(payload ? len + 1 : len, at);
      if (payload) at = out.writeUInt8(1, at);
      at += copy.copy(out, at, from, from + len);
      from += len;
    }
  }
  return out.subarray(0, at);
}

const dir = mkdtempSync(join(tmpdir(), 'flexiroaster-events-schema-'));
chmodSync(dir, 0o755);
const files = { json: join(dir, 'json.bin'), jsonb: join(dir, 'jsonb.bin') };
writeFileSync(files.json, jsonCopy);
writeFileSync(files.jsonb, asJsonb(jsonCopy));
for (const file of Object.values(files)) chmodSync(file, 0o644);

const T = 'flexiroaster_ai.events';
const FAILED = `CREATE INDEX ON ${T} (pipeline_id, (payload ->> 'stage_name'), event_time) WHERE kind = 'stage' AND payload ->> 'status' = 'failed'`;
const BEFORE_011 = [
  `CREATE INDEX ON ${T} (event_time, id)`,
  `CREATE INDEX ON ${T} (received_at)`,
  `CREATE INDEX ON ${T} (key, id)`,
  FAILED,
];
const AFTER_011 = [
  `CREATE INDEX ON ${T} (event_time, id)`,
  `CREATE INDEX ON ${T} USING brin (received_at)`,
  `CREATE INDEX ON ${T} (key, id) WHERE key NOT LIKE 'n:%'`,
  FAILED,
];
const variants: { name: string; payload: 'json' | 'jsonb'; indexes: string[] }[] = [
  { name: 'jsonb, indexes before 011', payload: 'jsonb', indexes: BEFORE_011 },
  { name: 'json, indexes before 011', payload: 'json', indexes: BEFORE_011 },
  { name: 'json, indexes of 011', payload: 'json', indexes: AFTER_011 },
  { name: 'jsonb, primary key only', payload: 'jsonb', indexes: [] },
  { name: 'json, primary key only', payload: 'json', indexes: [] },
  { name: 'json, + (event_time, id)', payload: 'json', indexes: [AFTER_011[0]] },
  { name: 'json, + received_at B-tree', payload: 'json', indexes: [BEFORE_011[1]] },
  { name: 'json, + received_at BRIN', payload: 'json', indexes: [AFTER_011[1]] },
  { name: 'json, + (key, id)', payload: 'json', indexes: [BEFORE_011[2]] },
  { name: 'json, + (key, id) without fresh keys', payload: 'json', indexes: [AFTER_011[2]] },
];

const name = `events_schema_${randomUUID().slice(0, 8)}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const db = new pg.Client({ connectionString: url.toString() });
await db.connect();
console.log(
  `${new Date().toISOString().slice(11, 16)} UTC, load ${loadavg()[0].toFixed(2)}; ${ROWS} rows per COPY, ` +
    `${Math.round(jsonCopy.length / ROWS)} bytes of COPY input per row`,
);
console.log('| layout | µs per row, three copies | median |\n| --- | --- | --- |');
try {
  for (const v of variants) {
    await db.query('DROP SCHEMA IF EXISTS flexiroaster_ai CASCADE');
    await db.query('CREATE SCHEMA flexiroaster_ai');
    await db.query(
      `CREATE TABLE ${T} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, key text COLLATE "C" NOT NULL,
       kind text NOT NULL, pipeline_id text NOT NULL, event_time timestamptz NOT NULL,
       received_at timestamptz NOT NULL, payload ${v.payload} NOT NULL)`,
    );
    for (const index of v.indexes) await db.query(index);
    const times: number[] = [];
    for (let copy = 0; copy < 3; copy++) {
      const t0 = performance.now();
      await db.query(`COPY ${EVENTS_COPY_TARGET} FROM '${files[v.payload]}' (FORMAT binary)`);
      times.push(((performance.now() - t0) * 1000) / ROWS);
    }
    const median = [...times].sort((a, b) => a - b)[1];
    console.log(`| ${v.name} | ${times.map((t) => t.toFixed(1)).join(', ')} | ${median.toFixed(1)} |`);
  }
} finally {
  await db.end();
  await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`load ${loadavg()[0].toFixed(2)}`);
