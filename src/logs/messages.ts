import { groupEvents, messageLines } from './event-grouper.js';
import { minerTokens } from './miner.js';

// Longer mined lines are cut: a message of megabytes must not cost megabytes of tokens per template.
const MAX_MINED_CHARS = 4096;

/**
 * The lines the miner reads a message as: one per event, so a stack trace is one line (its message
 * lines — the exception and its causes — joined, frames left out) and an entry of several separate
 * log lines is several.
 */
export function minedLines(message: string): string[] {
  if (!message.includes('\n')) {
    const line = message.trim();
    return line === '' ? [] : [cut(line)];
  }
  const out: string[] = [];
  for (const event of groupEvents([message])) {
    const line = messageLines(event).join(' ');
    if (line !== '') out.push(cut(line));
  }
  return out;
}

/**
 * A message's shape as one string: the miner's tokens of its first mined line, space-joined. The
 * same message always gives the same key, and `TemplateMiner.lookup(key.split(' '))` finds the
 * template that line joined. Empty for a blank message.
 */
export function messageKey(message: string): string {
  const first = minedLines(message)[0];
  return first === undefined ? '' : minerTokens(first).join(' ');
}

function cut(line: string): string {
  return line.length > MAX_MINED_CHARS ? line.slice(0, MAX_MINED_CHARS) : line;
}
