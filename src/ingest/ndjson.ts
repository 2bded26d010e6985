import type { Rejection } from './decode.js';

export interface ParsedLines {
  /** One entry per non-blank line; a line that is not JSON holds undefined and has a rejection. */
  values: unknown[];
  /** In line order. */
  rejected: Rejection[];
}

/** Splits NDJSON into values; a line that is not JSON is a rejection, not a failure of the batch. */
export function parseNdjson(text: string): ParsedLines {
  const values: unknown[] = [];
  const rejected: Rejection[] = [];
  let index = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue;
    try {
      values.push(JSON.parse(line));
    } catch (err) {
      rejected.push({
        index,
        field: 'body',
        reason: `line ${index + 1} is not valid JSON: ${(err as Error).message}`,
      });
      values.push(undefined);
    }
    index++;
  }
  return { values, rejected };
}
