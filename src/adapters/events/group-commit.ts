import { toError } from '../../shared/index.js';
import type { WrittenGroup } from '../journal/writer.js';

export interface GroupCommitOptions {
  /** Longest wait to gather appends into one write; 0 waits only for the current tick. */
  groupCommitMs: number;
  /** Write at once when a gathering group reaches this many UTF-16 units of JSON. @default 4 Mi */
  maxGroupChars?: number;
}

/** Writes a group durably; resolves after fdatasync. */
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
 * Group commit: appends arriving within `groupCommitMs` (or while the previous group is being
 * written) share one write and one fdatasync; every caller of a group resolves once it is synced.
 * Each line travels with the item it encodes (`T`), so the durable group hands over both.
 */
export class GroupCommitter<T> {
  private gathering: Gathering<T> | null = null;
  /** Cancels the pending group timer, when one is set. */
  private cancelTimer: (() => void) | null = null;
  private unsynced = 0;
  private writing: Promise<void> | null = null;
  private readonly maxGroupChars: number;

  constructor(
    private readonly write: WriteGroup,
    private readonly options: GroupCommitOptions,
    /** Called with each synced group before its callers resolve. */
    private readonly onDurable: (group: WrittenGroup, lines: readonly string[], items: readonly T[]) => void,
  ) {
    this.maxGroupChars = options.maxGroupChars ?? 4 * 1024 * 1024;
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
    if (this.options.groupCommitMs === 0) {
      const immediate = setImmediate(fire);
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(fire, this.options.groupCommitMs);
    return () => clearTimeout(timer);
  }

  private startWrite(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    const group = this.gathering;
    if (group === null) return;
    this.gathering = null;
    this.writing = this.write(group.lines).then(
      (written) => {
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
