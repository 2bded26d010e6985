import pg from 'pg';
import { PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import { isoTimestamptzMs } from './pg-time-text.js';

const TIMESTAMPTZ_OID = 1184;
const INSERT = 0x49; // 'I'
const UPDATE = 0x55; // 'U'
const NEW_TUPLE = 0x4e; // 'N'
const TEXT = 0x74; // 't'
const NULL = 0x6e; // 'n'

type ValueParser = (text: string) => unknown;

/**
 * pgoutput with the hot messages read here: inserts and plain updates (no old tuple) become rows
 * straight from the message bytes, each `timestamptz` as epoch milliseconds (the row decoders take
 * numbers, Dates and ISO text alike) instead of a Date from a regex parser. Every other value goes
 * through the same `pg` type parser the library uses; every other message is the library's.
 */
export class PgoutputRowsPlugin extends PgoutputPlugin {
  /** Relations by oid as their Relation messages came (the library keeps its own copy). */
  private readonly relations = new Map<
    number,
    { relation: Pgoutput.MessageRelation; parsers: ValueParser[] }
  >();

  override parse(buffer: Buffer): Pgoutput.Message {
    const tag = buffer[0];
    if ((tag === INSERT || tag === UPDATE) && buffer[5] === NEW_TUPLE) {
      const known = this.relations.get(buffer.readInt32BE(1));
      const row = known === undefined ? null : this.readRow(buffer, 6, known.relation, known.parsers);
      if (known !== undefined && row !== null) {
        const relation = known.relation;
        return tag === INSERT
          ? { tag: 'insert', relation, new: row }
          : { tag: 'update', relation, key: null, old: null, new: row };
      }
    }
    const msg = super.parse(buffer);
    if (msg.tag === 'relation') {
      this.relations.set(msg.relationOid, {
        relation: msg,
        parsers: msg.columns.map((c) => valueParser(c.typeOid)),
      });
    }
    return msg;
  }

  /**
   * A TupleData at `at` as a row; null when it holds a value kind other than text or null (binary,
   * unchanged TOAST): the library then parses the whole message its own way.
   */
  private readRow(
    buffer: Buffer,
    at: number,
    relation: Pgoutput.MessageRelation,
    parsers: readonly ValueParser[],
  ): Record<string, unknown> | null {
    const count = buffer.readInt16BE(at);
    if (count > relation.columns.length) throw new Error('tuple has more columns than its relation');
    let p = at + 2;
    const row: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      const kind = buffer[p++];
      let value: unknown;
      if (kind === NULL) value = null;
      else if (kind === TEXT) {
        const size = buffer.readInt32BE(p);
        p += 4;
        if (p + size > buffer.length) throw new Error('unexpected end of message');
        // No encoding named: UTF-8 straight, without Buffer's encoding look-up per value.
        value = parsers[i](buffer.toString(undefined, p, (p += size)));
      } else return null;
      setColumn(row, relation.columns[i].name, value);
    }
    return row;
  }
}

function valueParser(typeOid: number): ValueParser {
  const general = pg.types.getTypeParser(typeOid) as ValueParser;
  if (typeOid !== TIMESTAMPTZ_OID) return general;
  return (text) => isoTimestamptzMs(text) ?? general(text);
}

function setColumn(row: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') Object.defineProperty(row, name, { value, enumerable: true, writable: true });
  else row[name] = value;
}
