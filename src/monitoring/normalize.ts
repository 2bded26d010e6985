/**
 * Groups error messages by shape until the log template miner lands: variable parts (numbers, hex,
 * uuids, ids, paths, URLs, IPs, quoted values, timestamps) are masked so that "timeout after 30s on
 * 10.0.0.7" and "timeout after 45s on 10.0.0.9" count as one pattern.
 */

/** Longest pattern kept; longer messages are cut so one huge stack trace cannot bloat the pattern table. */
export const MAX_PATTERN_LENGTH = 200;

// Order matters: wide shapes (URLs, timestamps, uuids) go before the numbers inside them are masked.
const MASKS: readonly (readonly [RegExp, string])[] = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, '<url>'],
  [/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, '<email>'],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<ts>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, '<ip>'],
  [
    /(?<![\w:])(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}\b|(?<![\w:])[0-9a-f]{0,4}::[0-9a-f:]*[0-9a-f]\b/gi,
    '<ip>',
  ],
  [/(?<![\w\\])"(?:[^"\\]|\\.)*"|(?<![\w\\])'(?:[^'\\]|\\.)*'|`[^`]*`/g, '<str>'],
  [/(?<=^|[\s=:(\[,])(?:~|\.{1,2})?(?:\/[^\s/:,;'"()[\]]+)+\/?|\b[a-z]:\\[^\s,;'"()]+/gi, '<path>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  [/\b(?=\w*\d\w*\d)(?=\w*[a-z])[a-z0-9]{8,}\b/gi, '<id>'],
  [/\b(id|[a-z]+_id|[a-z]+Id)([=:]\s*)[^\s,;)]+/g, '$1$2<id>'],
  [/(?<![a-z])\d+(?:\.\d+)?/gi, '<num>'],
];

/** The shape of an error message: variable parts masked, whitespace collapsed, at most 200 characters. */
export function normalizeErrorMessage(message: string): string {
  let out = message.length > 4 * MAX_PATTERN_LENGTH ? message.slice(0, 4 * MAX_PATTERN_LENGTH) : message;
  for (const [re, replacement] of MASKS) out = out.replace(re, replacement);
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > MAX_PATTERN_LENGTH ? out.slice(0, MAX_PATTERN_LENGTH) : out;
}
