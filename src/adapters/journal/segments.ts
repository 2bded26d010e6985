import { open, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** A journal segment file; it holds events from `firstSeq` up to the next segment's firstSeq - 1. */
export interface Segment {
  firstSeq: number;
  path: string;
}

const SEGMENT_PATTERN = /^(\d{16})\.wal$/;

/** File name of the segment whose first event is `firstSeq`; names sort in sequence order. */
export function segmentPath(dir: string, firstSeq: number): string {
  return join(dir, `${String(firstSeq).padStart(16, '0')}.wal`);
}

/** The journal's segments in sequence order. */
export async function listSegments(dir: string): Promise<Segment[]> {
  const names = (await readdir(dir)).filter((n) => SEGMENT_PATTERN.test(n)).sort();
  return names.map((n) => ({ firstSeq: Number(n.slice(0, 16)), path: join(dir, n) }));
}

/**
 * Deletes the segments, except the last (active) one, whose every event is at or below
 * `flushedSeq`; returns the segments kept.
 */
export async function deleteFlushedSegments(
  segments: readonly Segment[],
  flushedSeq: number,
): Promise<Segment[]> {
  let drop = 0;
  while (drop < segments.length - 1 && segments[drop + 1].firstSeq - 1 <= flushedSeq) drop++;
  for (const segment of segments.slice(0, drop)) {
    await unlink(segment.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
  return segments.slice(drop);
}

/** Makes a directory's entries (a created, renamed or truncated file) survive a crash. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
