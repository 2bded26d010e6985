import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { AppError } from '../../shared/index.js';
import { encodeGroup } from './format.js';
import { deleteFlushedSegments, segmentPath, syncDirectory, type Segment } from './segments.js';

export interface JournalWriterOptions {
  dir: string;
  /** Sequence number the next event gets. */
  nextSeq: number;
  /** Segments already on disk (after recovery), oldest first. */
  segments: readonly Segment[];
  /** Start a new segment once the active one is this large. @default 64 MiB */
  segmentBytes?: number;
}

/** Where a written group landed. */
export interface WrittenGroup {
  firstSeq: number;
  lastSeq: number;
  bytes: number;
}

/**
 * Segments are opened for synchronous data writes (O_DSYNC): a write returns once its bytes, and the
 * file size that makes them readable, are on stable storage, as write + fdatasync would, in one call
 * to the thread pool instead of two.
 */
export const SEGMENT_OPEN_FLAGS =
  constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_DSYNC;

/**
 * Appends groups to the active segment, each with one synchronous write, and rotates and deletes
 * segments. One write at a time: the caller serialises (GroupCommitter does).
 */
export class JournalWriter {
  private handle: FileHandle;
  private size: number;
  private segments: Segment[];
  private seq: number;
  private broken: Error | null = null;
  private readonly segmentBytes: number;
  private readonly dir: string;

  private constructor(handle: FileHandle, size: number, segments: Segment[], options: JournalWriterOptions) {
    this.handle = handle;
    this.size = size;
    this.segments = segments;
    this.dir = options.dir;
    this.seq = options.nextSeq;
    this.segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024;
  }

  /** Opens a fresh active segment named after `nextSeq`. */
  static async open(options: JournalWriterOptions): Promise<JournalWriter> {
    const path = segmentPath(options.dir, options.nextSeq);
    const handle = await open(path, SEGMENT_OPEN_FLAGS);
    const size = (await handle.stat()).size;
    await syncDirectory(options.dir);
    const kept = options.segments.filter((s) => s.path !== path);
    return new JournalWriter(handle, size, [...kept, { firstSeq: options.nextSeq, path }], options);
  }

  /** Sequence number the next event will get. */
  get nextSeq(): number {
    return this.seq;
  }

  /** The error that made the journal unwritable, if any. */
  get failure(): Error | null {
    return this.broken;
  }

  /** Makes `lines` durable as one group; resolves once the synchronous write returned. */
  async write(lines: readonly string[]): Promise<WrittenGroup> {
    if (this.broken !== null) throw this.broken;
    if (this.size >= this.segmentBytes) await this.rotate();
    const firstSeq = this.seq;
    const buf = encodeGroup(firstSeq, lines);
    try {
      // A regular file takes the whole buffer at once unless the disk is full; loop to be sure.
      // Each write is durable when it returns (O_DSYNC).
      for (let done = 0; done < buf.length;) {
        done += (await this.handle.write(buf, done, buf.length - done)).bytesWritten;
      }
    } catch (err) {
      await this.undoPartialWrite(err);
      throw err;
    }
    this.size += buf.length;
    this.seq += lines.length;
    return { firstSeq, lastSeq: this.seq - 1, bytes: buf.length };
  }

  /** Deletes the segments whose events are all at or below `flushedSeq`. */
  async deleteFlushed(flushedSeq: number): Promise<void> {
    this.segments = await deleteFlushedSegments(this.segments, flushedSeq);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private async rotate(): Promise<void> {
    const path = segmentPath(this.dir, this.seq);
    const next = await open(path, SEGMENT_OPEN_FLAGS);
    await syncDirectory(this.dir);
    await this.handle.close();
    this.handle = next;
    this.size = 0;
    this.segments.push({ firstSeq: this.seq, path });
  }

  /**
   * A failed write may have left part of a group behind; cut it off so later groups do not sit
   * behind a torn one (recovery stops reading a segment at the first bad group). If even that
   * fails the journal refuses further writes rather than risk losing acknowledged events.
   */
  private async undoPartialWrite(cause: unknown): Promise<void> {
    try {
      await this.handle.truncate(this.size);
      await this.handle.datasync();
    } catch {
      this.broken = new AppError('STORE_UNAVAILABLE', 'journal is not writable', { cause, retryable: true });
    }
  }
}
