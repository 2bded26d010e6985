import { crc32 } from 'node:zlib';

/**
 * On-disk form of one group commit: a 24-byte header, then the group's events as UTF-8 JSON lines.
 *
 *   0  u32 magic            4  u32 body bytes        8  u32 CRC32 of bytes 12..end
 *  12  u64 seq of 1st event 20  u32 event count      24 body: count JSON texts joined by '\n'
 *
 * JSON.stringify never emits a raw newline, so '\n' separates events unambiguously. A group whose
 * header, length or checksum does not hold was torn by a crash mid-write (or damaged) and ends the
 * readable part of its segment.
 */
export const GROUP_HEADER_BYTES = 24;
const MAGIC = 0x4a524c46; // "FLRJ" little-endian
const NEWLINE = 0x0a;

/** One decoded group: events firstSeq, firstSeq + 1, … in order. */
export interface JournalGroup {
  firstSeq: number;
  lines: string[];
}

export interface DecodedSegment {
  groups: JournalGroup[];
  /** Bytes from the start that hold whole, checksummed groups. */
  validBytes: number;
}

/** Encodes events (already JSON) as one group in a single buffer. */
export function encodeGroup(firstSeq: number, lines: readonly string[]): Buffer {
  // Each line goes straight into the buffer: no joined copy of the group, no separate length scan.
  // A UTF-16 unit takes at most 3 UTF-8 bytes, so 3 bytes per unit always holds the group.
  let units = lines.length;
  for (let i = 0; i < lines.length; i++) units += lines[i].length;
  const buf = Buffer.allocUnsafe(GROUP_HEADER_BYTES + 3 * units);
  let at = GROUP_HEADER_BYTES;
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) buf[at++] = NEWLINE;
    at += buf.write(lines[i], at, 'utf8');
  }
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(at - GROUP_HEADER_BYTES, 4);
  buf.writeBigUInt64LE(BigInt(firstSeq), 12);
  buf.writeUInt32LE(lines.length, 20);
  buf.writeUInt32LE(crc32(buf.subarray(12, at)), 8);
  return buf.subarray(0, at);
}

/** Decodes the whole groups at the start of a segment and reports where the readable part ends. */
export function decodeSegment(buf: Buffer): DecodedSegment {
  const groups: JournalGroup[] = [];
  let offset = 0;
  while (buf.length - offset >= GROUP_HEADER_BYTES) {
    if (buf.readUInt32LE(offset) !== MAGIC) break;
    const bodyBytes = buf.readUInt32LE(offset + 4);
    const end = offset + GROUP_HEADER_BYTES + bodyBytes;
    if (end > buf.length) break;
    if (crc32(buf.subarray(offset + 12, end)) !== buf.readUInt32LE(offset + 8)) break;
    const count = buf.readUInt32LE(offset + 20);
    const lines = count === 0 ? [] : buf.toString('utf8', offset + GROUP_HEADER_BYTES, end).split('\n');
    if (lines.length !== count) break;
    groups.push({ firstSeq: Number(buf.readBigUInt64LE(offset + 12)), lines });
    offset = end;
  }
  return { groups, validBytes: offset };
}
