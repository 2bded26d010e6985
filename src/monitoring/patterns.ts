import type { TelemetryEvent } from '../domain/index.js';
import { normalizeErrorMessage } from './normalize.js';

/** Messages normalised once and remembered; the table is dropped when full, as the same messages repeat in bursts. */
export class PatternCache {
  private readonly memo = new Map<string, string>();

  constructor(
    private readonly limit = 4096,
    private readonly normalize: (message: string) => string = normalizeErrorMessage,
  ) {}

  /** The pattern of `message`. */
  patternOf(message: string): string {
    let pattern = this.memo.get(message);
    if (pattern === undefined) {
      pattern = this.normalize(message);
      if (this.memo.size >= this.limit) this.memo.clear();
      this.memo.set(message, pattern);
    }
    return pattern;
  }

  /**
   * The error patterns one event contributes, each once (so a record whose error_message repeats in
   * stage_errors counts one occurrence): an execution's error_message and stage_errors, a stage's
   * error_message, the message of an ERROR or WARN log line. Null when there are none.
   */
  patternsOf(event: TelemetryEvent): readonly string[] | null {
    switch (event.kind) {
      case 'execution': {
        let out: string[] | null = this.addMessage(null, event.error_message);
        for (const message of event.stage_errors) out = this.addMessage(out, message);
        return out;
      }
      case 'stage':
        return this.addMessage(null, event.error_message);
      case 'log':
        return event.level === 'ERROR' || event.level === 'WARN'
          ? this.addMessage(null, event.message)
          : null;
      case 'metric':
        return null;
    }
  }

  private addMessage(out: string[] | null, message: string | null): string[] | null {
    if (message === null || message.trim() === '') return out;
    const pattern = this.patternOf(message);
    if (out === null) return [pattern];
    if (!out.includes(pattern)) out.push(pattern);
    return out;
  }
}
