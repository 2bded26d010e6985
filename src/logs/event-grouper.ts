/**
 * Groups log lines into events: the lines of a Python traceback, a JVM or Node stack trace or a Go
 * panic join the line they belong to, so a trace is mined and classified once, not per frame.
 */

// Upper bound on the lines one event keeps; further continuation lines are dropped.
const MAX_EVENT_LINES = 500;

const PY_TRACEBACK = /^Traceback \(most recent call last\):/;
const PY_CHAIN =
  /^(?:During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)/;
const JVM_CAUSE = /^(?:Caused by|Suppressed): /;
// A qualified exception class at the start of a line (java.sql.SQLException: …), as log4j prints it
// on the line after the log message.
const JVM_EXCEPTION = /^(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)\b(?::|$)/;
const MORE_FRAMES = /^\.\.\. \d+ (?:more|common frames omitted)/;
const GOROUTINE = /^goroutine \d+ \[/;

type State = 'plain' | 'python' | 'go';

/** Takes lines in order and hands back each event once the line after it shows it is complete. */
export class EventGrouper {
  private lines: string[] = [];
  private state: State = 'plain';

  /** Adds a line; returns the event it completed when the line starts a new one. */
  push(line: string): string | undefined {
    if (line.trim() === '') {
      if (this.state === 'go') this.state = 'plain';
      return undefined; // blank lines separate trace sections but are never events
    }
    if (this.lines.length > 0 && this.continues(line)) {
      if (this.lines.length < MAX_EVENT_LINES) this.lines.push(line);
      return undefined;
    }
    const done = this.flush();
    this.lines.push(line);
    this.state = nextState('plain', line);
    return done;
  }

  /** The event in progress, if any (call at the end of the input). */
  flush(): string | undefined {
    if (this.lines.length === 0) return undefined;
    const event = this.lines.join('\n');
    this.lines = [];
    this.state = 'plain';
    return event;
  }

  private continues(line: string): boolean {
    const before = this.state;
    if (PY_TRACEBACK.test(line) || GOROUTINE.test(line)) {
      this.state = nextState(before, line);
      return true;
    }
    if (before === 'go') return true;
    const first = line.charCodeAt(0);
    if (first === 32 || first === 9) return true;
    if (PY_CHAIN.test(line) || JVM_CAUSE.test(line) || MORE_FRAMES.test(line)) return true;
    if (before === 'python') {
      // The first unindented line after the frames is the exception itself; the trace ends there.
      this.state = 'plain';
      return true;
    }
    return JVM_EXCEPTION.test(line);
  }
}

function nextState(state: State, line: string): State {
  if (PY_TRACEBACK.test(line)) return 'python';
  if (GOROUTINE.test(line)) return 'go';
  return state;
}

/** Groups a whole list of lines (entries may hold several lines) into events. */
export function groupEvents(lines: Iterable<string>): string[] {
  const grouper = new EventGrouper();
  const events: string[] = [];
  for (const entry of lines) {
    for (const line of entry.split('\n')) {
      const done = grouper.push(line.endsWith('\r') ? line.slice(0, -1) : line);
      if (done !== undefined) events.push(done);
    }
  }
  const last = grouper.flush();
  if (last !== undefined) events.push(last);
  return events;
}

/**
 * The lines of an event that carry messages: the first line, exception lines and `Caused by:`
 * lines, without stack frames, source lines, trace headers or goroutine dumps.
 */
export function messageLines(event: string): string[] {
  const out: string[] = [];
  let inGoroutine = false;
  let first = true;
  for (const line of event.split('\n')) {
    // Only the event's own first line may be indented; later indented lines are frames or source.
    const indented = !first && (line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9);
    first = false;
    if (GOROUTINE.test(line)) inGoroutine = true;
    if (inGoroutine || line.trim() === '' || indented) continue;
    if (PY_TRACEBACK.test(line) || PY_CHAIN.test(line) || MORE_FRAMES.test(line)) continue;
    out.push(line.trim());
  }
  return out;
}
