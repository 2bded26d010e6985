import { open, readFile } from 'node:fs/promises';
import { decodeSegment, type JournalGroup } from './format.js';
import { listSegments, syncDirectory, type Segment } from './segments.js';

/** A torn or damaged tail that recovery cut off a segment. */
export interface JournalCut {
  path: string;
  /** Length the segment was truncated to. */
  keptBytes: number;
  cutBytes: number;
}

export interface RecoveredJournal {
  /** Events after the checkpoint, as groups in sequence order (a first group may be partial). */
  groups: JournalGroup[];
  /** How many events those groups hold. */
  events: number;
  /** Highest sequence number found in the journal (0 when empty). */
  lastSeq: number;
  segments: Segment[];
  cuts: JournalCut[];
}

/**
 * Reads every segment, truncates each at its first torn or damaged group (so the file is clean for
 * the next recovery), and returns the events after `checkpointSeq`.
 */
export async function recoverJournal(dir: string, checkpointSeq: number): Promise<RecoveredJournal> {
  const segments = await listSegments(dir);
  const result: RecoveredJournal = { groups: [], events: 0, lastSeq: 0, segments, cuts: [] };
  for (const segment of segments) {
    const buf = await readFile(segment.path);
    const decoded = decodeSegment(buf);
    if (decoded.validBytes < buf.length) {
      await truncateFile(segment.path, decoded.validBytes);
      result.cuts.push({
        path: segment.path,
        keptBytes: decoded.validBytes,
        cutBytes: buf.length - decoded.validBytes,
      });
    }
    for (const group of decoded.groups) {
      const lastSeq = group.firstSeq + group.lines.length - 1;
      result.lastSeq = Math.max(result.lastSeq, lastSeq);
      if (lastSeq <= checkpointSeq) continue;
      const skip = Math.max(0, checkpointSeq - group.firstSeq + 1);
      const lines = skip === 0 ? group.lines : group.lines.slice(skip);
      result.groups.push({ firstSeq: group.firstSeq + skip, lines });
      result.events += lines.length;
    }
  }
  if (result.cuts.length > 0) await syncDirectory(dir);
  return result;
}

async function truncateFile(path: string, length: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(length);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
