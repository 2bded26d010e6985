import { toError } from '../../shared/index.js';
import type { WrittenGroup } from '../journal/writer.js';

export interface GroupCommitOptions {
  /**
   * Longest wait to gather appends into one write; 0 waits only for the current tick. The wait is
   * also never longer than the last write took (below 1 ms: the current tick).
   */
  groupCommitMs: number;
  /** Write at once when a gathering group reaches this many UTF-16 units of JSON. @default 4 Mi */
  maxGroupChars?: number;
  /** Monotonic milliseconds, to time the writes. @default performance.now */
  now?: () => number;
}

/** Writes a group durably; resolves once it is on stable storage. */
export type WriteGroup = (lines: readonly string[]) => Promise<WrittenGroup>;

interface Gathering<T> {
  lines: string[];
  /** What each line encodes, same order (handed to onDurable, never written). */
  items: T[];
  chars: number;
  done: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Group commit: appends arriving while the previous group is being written, or within the gathering
 * wait, share one durable write; every caller of a group resolves once it is synced. Each line
 * travels with the item it encodes (`T`), so the durable group hands over both.
 *
 * The gathering wait (when no write is in flight) is the shorter of `groupCommitMs` and the time the
 * last write took: appends that arrive while a write is in flight wait that long anyway, so the wait
 * gathers as a write in flight would, and a fast disk is not held to a fixed wait. Under a closed
 * loop of clients (each sends its next event after the answer) a fixed 2 ms wait on a disk that
 * syncs in 0.3–0.5 ms held every group for the timer.
 */
export class GroupCommitter<T> {
  private gathering: Gathering<T> | null = null;
  /** Cancels the pending group timer, when one is set. */
  private cancelTimer: (() => void) | null = null;
  private unsynced = 0;
  private writing: Promise<void> | null = null;
  /** How long the last write took, ms; null before the first. */
  private lastWriteMs: number | null = null;
  private readonly maxGroupChars: number;
  private readonly now: () => number;

  constructor(
    private readonly write: WriteGroup,
    private readonly options: GroupCommitOptions,
    /** Called with each synced group before its callers resolve. */
    private readonly onDurable: (group: WrittenGroup, lines: readonly string[], items: readonly T[]) => void,
  ) {
    this.maxGroupChars = options.maxGroupChars ?? 4 * 1024 * 1024;
    this.now = options.now ?? (() => performance.now());
  }

  /** Events gathered or being written, not yet durable. */
  get unsyncedEvents(): number {
    return this.unsynced;
  }

  /** Adds the lines (`items[i]` is what `lines[i]` encodes) to the next group; resolves when it is durable. */
  add(lines: readonly string[], items: readonly T[]): Promise<void> {
    const group = (this.gathering ??= newGathering<T>());
    let chars = 0;
    for (let i = 0; i < lines.length; i++) {
      group.lines.push(lines[i]);
      group.items.push(items[i]);
      chars += lines[i].length;
    }
    group.chars += chars;
    this.unsynced += lines.length;
    if (this.writing === null) {
      if (group.chars >= this.maxGroupChars) this.startWrite();
      else this.cancelTimer ??= this.schedule();
    }
    return group.done;
  }

  /** Resolves once everything added so far is written (or failed). */
  async settle(): Promise<void> {
    while (this.writing !== null || this.gathering !== null) {
      if (this.writing === null) this.startWrite();
      await this.writing;
    }
  }

  private schedule(): () => void {
    const fire = () => {
      this.cancelTimer = null;
      if (this.writing === null) this.startWrite();
    };
    const wait = Math.min(this.options.groupCommitMs, this.lastWriteMs ?? this.options.groupCommitMs);
    // Timers count whole milliseconds: a shorter wait is the current tick.
    if (wait < 1) {
      const immediate = setImmediate(fire);
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(fire, wait);
    return () => clearTimeout(timer);
  }

  private startWrite(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    const group = this.gathering;
    if (group === null) return;
    this.gathering = null;
    const started = this.now();
    this.writing = this.write(group.lines).then(
      (written) => {
        this.lastWriteMs = this.now() - started;
        this.unsynced -= group.lines.length;
        this.onDurable(written, group.lines, group.items);
        group.resolve();
      },
      (err: unknown) => {
        this.unsynced -= group.lines.length;
        group.reject(toError(err));
      },
    );
    void this.writing.finally(() => {
      this.writing = null;
      // What arrived during the write has waited long enough: write it now.
      if (this.gathering !== null) this.startWrite();
    });
  }
}

function newGathering<T>(): Gathering<T> {
  let resolve: () => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Callers that stop listening (timed out, disconnected) must not turn a failure into a crash.
  done.catch(() => undefined);
  return { lines: [], items: [], chars: 0, done, resolve, reject };
}
