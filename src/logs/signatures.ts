import { messageLines } from './event-grouper.js';
import { SIGNATURE_RULES, type Signature } from './signature-rules.js';

/** A signature class a message matched, how sure the match is, and the rule that matched. */
export interface SignatureMatch {
  signature: Signature;
  confidence: number;
  rule: string;
}

/** What an unmatched message gets. */
export const UNKNOWN_MATCH: SignatureMatch = Object.freeze({
  signature: 'unknown',
  confidence: 0,
  rule: 'no rule matched',
});

// Long messages are cut to their head and tail (where the exception and its root cause sit), so the
// cost of classifying one stays bounded.
const HEAD = 4096;
const TAIL = 4096;

/**
 * Every class the message matches with its most confident rule, most confident first (ties in rule
 * order). A multi-line event is read without its stack frames, which name functions, not failures.
 */
export function matchSignatures(message: string): SignatureMatch[] {
  const text = bounded(message.includes('\n') ? messageLines(message).join('\n') : message);
  const best = new Map<Signature, SignatureMatch>();
  for (const r of SIGNATURE_RULES) {
    const seen = best.get(r.signature);
    if (seen !== undefined && seen.confidence >= r.confidence) continue;
    if (r.pattern.test(text))
      best.set(r.signature, { signature: r.signature, confidence: r.confidence, rule: r.name });
  }
  return [...best.values()].sort((a, b) => b.confidence - a.confidence);
}

/** The message's signature: its most confident match, or `unknown` with confidence 0. */
export function classifyError(message: string): SignatureMatch {
  return matchSignatures(message)[0] ?? UNKNOWN_MATCH;
}

function bounded(text: string): string {
  return text.length <= HEAD + TAIL ? text : `${text.slice(0, HEAD)}\n${text.slice(-TAIL)}`;
}
