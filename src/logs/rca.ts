import { groupEvents, messageLines } from './event-grouper.js';
import { TemplateMiner } from './miner.js';
import type { RootCauseRequest } from './rca-request.js';
import type { Signature } from './signature-rules.js';
import { classifyError } from './signatures.js';

/** The original service's cause words. */
export const PRIMARY_CAUSES = [
  'connection_issue',
  'resource_bottleneck',
  'data_inconsistency',
  'configuration_error',
  'unknown',
] as const;
/** One primary cause. */
export type PrimaryCause = (typeof PRIMARY_CAUSES)[number];

/** The answer of `POST /api/ai/root-cause/analyze`. */
export interface RootCauseResult {
  failing_stage: string | null;
  primary_cause: PrimaryCause;
  confidence: number;
  evidence: string[];
  contributing_factors: string[];
  /** The finest signature behind the cause (`unknown` when no log line matched one). */
  signature: Signature;
}

/** Which cause each signature points to (the original's words, kept by this mapping). */
export const CAUSE_OF_SIGNATURE: Readonly<Record<Signature, PrimaryCause>> = Object.freeze({
  connection: 'connection_issue',
  timeout: 'connection_issue',
  dependency_error: 'connection_issue',
  rate_limited: 'connection_issue',
  out_of_memory: 'resource_bottleneck',
  disk_full: 'resource_bottleneck',
  schema_mismatch: 'data_inconsistency',
  data_quality: 'data_inconsistency',
  configuration_error: 'configuration_error',
  auth_failure: 'configuration_error',
  permission_denied: 'configuration_error',
  resource_not_found: 'configuration_error',
  cancelled: 'unknown',
  unknown: 'unknown',
});

const FAILED_STATUSES = new Set(['failed', 'failure', 'error', 'errored', 'timed_out', 'timeout', 'crashed']);
const SATURATED_PERCENT = 90;
const BUSY_PERCENT = 80;
const RECURRING_FAILURES = 3;
// Each further line of a signature removes this share of the doubt left by the lines before it.
const REPEAT_GAIN = 0.2;
// Signatures passed in as context were classified before, with an unknown rule: a middling weight.
const CONTEXT_CONFIDENCE = 0.75;
// A deployment or version change just before a failure makes a configuration (and, less, a data)
// change a plausible cause even without log evidence.
const DEPLOY_PRIOR: Partial<Record<PrimaryCause, number>> = {
  configuration_error: 0.3,
  data_inconsistency: 0.15,
};
const MIN_CAUSE_SCORE = 0.3;
const CONFLICT_PENALTY = 0.25;
const CORROBORATION = 0.05;
const UNKNOWN_CONFIDENCE = 0.2;
const MAX_CONFIDENCE = 0.97;
const QUOTED_TEMPLATES = 3;

interface SignatureEvidence {
  signature: Signature;
  score: number;
  best: number;
  lines: number;
  rule: string;
  templates: Map<string, { text: string; count: number }>;
  contextCount: number;
}

/**
 * Explains a failed run: the failing stage, the most likely cause with a confidence, the evidence
 * (log templates with counts, metrics) and contributing factors. Logs are grouped into events
 * (stack traces whole), mined into templates and classified; resource metrics, the stage's recent
 * failures, deployments and version changes weigh in.
 */
export function analyzeRootCause(req: RootCauseRequest): RootCauseResult {
  const failing = req.stages.find((s) => s.status !== null && FAILED_STATUSES.has(s.status.toLowerCase()));
  const bySignature = collectSignatures(req);
  const deployed = req.history.recent_deployment || req.version_changes.length > 0;
  const scores = causeScores(bySignature, req, deployed);
  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1]);
  const [topCause, topScore] = ranked[0] ?? ['unknown', 0];
  const cause: PrimaryCause = topScore >= MIN_CAUSE_SCORE ? topCause : 'unknown';
  const second = ranked.find(([c]) => c !== cause)?.[1] ?? 0;

  let confidence = UNKNOWN_CONFIDENCE;
  if (cause !== 'unknown') {
    confidence = topScore - CONFLICT_PENALTY * second;
    const corroborated =
      req.metrics.latency_spike && (cause === 'connection_issue' || cause === 'resource_bottleneck');
    if (corroborated) confidence += CORROBORATION;
    if (failing !== undefined && req.history.same_stage_failures_last_7d >= RECURRING_FAILURES)
      confidence += CORROBORATION;
  }
  const finest = [...bySignature.values()]
    .filter((e) => CAUSE_OF_SIGNATURE[e.signature] === cause)
    .sort((a, b) => b.best - a.best || b.score - a.score)[0];
  return {
    failing_stage: failing?.name ?? null,
    primary_cause: cause,
    confidence: round(Math.min(MAX_CONFIDENCE, Math.max(0.05, confidence))),
    evidence: evidence(req, failing?.name ?? null, cause, bySignature),
    contributing_factors: contributingFactors(
      req,
      failing?.name ?? null,
      cause,
      scores,
      bySignature,
      deployed,
    ),
    signature: finest?.signature ?? 'unknown',
  };
}

/** Mines and classifies the request's log lines and merges in the context's signature counts. */
function collectSignatures(req: RootCauseRequest): Map<Signature, SignatureEvidence> {
  const out = new Map<Signature, SignatureEvidence>();
  const entry = (signature: Signature): SignatureEvidence => {
    let e = out.get(signature);
    if (e === undefined) {
      e = { signature, score: 0, best: 0, lines: 0, rule: '', templates: new Map(), contextCount: 0 };
      out.set(signature, e);
    }
    return e;
  };
  const miner = new TemplateMiner();
  for (const event of groupEvents(req.logs)) {
    for (const line of messageLines(event)) {
      const mined = miner.add(line);
      const match = classifyError(line);
      if (match.signature === 'unknown') continue;
      const e = entry(match.signature);
      e.lines++;
      if (match.confidence > e.best) {
        e.best = match.confidence;
        e.rule = match.rule;
      }
      e.score = 1 - (1 - e.score) * (1 - match.confidence * (e.lines === 1 ? 1 : REPEAT_GAIN));
      const t = e.templates.get(mined.id);
      if (t === undefined) e.templates.set(mined.id, { text: mined.template, count: 1 });
      else t.count++;
    }
  }
  // Later lines may have generalised a template: quote each by its final text.
  for (const e of out.values()) {
    for (const [id, t] of e.templates) t.text = miner.template(id)?.text ?? t.text;
  }
  for (const s of req.signatures) {
    if (s.count === 0 || s.signature === 'unknown') continue;
    const e = entry(s.signature);
    e.contextCount += s.count;
    const weight = CONTEXT_CONFIDENCE * (1 - Math.pow(1 - REPEAT_GAIN, s.count));
    e.score = 1 - (1 - e.score) * (1 - weight);
    e.best = Math.max(e.best, CONTEXT_CONFIDENCE);
    if (e.rule === '') e.rule = 'seen before';
    if (s.template !== null) e.templates.set(`context:${s.template}`, { text: s.template, count: s.count });
  }
  return out;
}

/** Evidence per cause, combined as independent signals (noisy-or). */
function causeScores(
  bySignature: Map<Signature, SignatureEvidence>,
  req: RootCauseRequest,
  deployed: boolean,
): Map<PrimaryCause, number> {
  const scores = new Map<PrimaryCause, number>();
  const add = (cause: PrimaryCause, p: number): void => {
    if (cause === 'unknown' || p <= 0) return;
    scores.set(cause, 1 - (1 - (scores.get(cause) ?? 0)) * (1 - p));
  };
  for (const e of bySignature.values()) add(CAUSE_OF_SIGNATURE[e.signature], e.score);
  const peak = Math.max(req.metrics.cpu_percent, req.metrics.memory_percent);
  if (peak >= SATURATED_PERCENT)
    add('resource_bottleneck', 0.6 + 0.3 * Math.min(1, (peak - SATURATED_PERCENT) / 10));
  if (deployed) for (const [cause, p] of Object.entries(DEPLOY_PRIOR)) add(cause as PrimaryCause, p);
  return scores;
}

function evidence(
  req: RootCauseRequest,
  stage: string | null,
  cause: PrimaryCause,
  bySignature: Map<Signature, SignatureEvidence>,
): string[] {
  const out: string[] = [];
  if (stage !== null) out.push(`stage "${stage}" failed`);
  const supporting = [...bySignature.values()]
    .filter((e) => CAUSE_OF_SIGNATURE[e.signature] === cause)
    .sort((a, b) => b.score - a.score);
  for (const e of supporting) out.push(describeSignature(e));
  if (cause === 'resource_bottleneck') {
    const { cpu_percent: cpu, memory_percent: mem } = req.metrics;
    if (cpu >= SATURATED_PERCENT) out.push(`cpu_percent ${cpu} ≥ ${SATURATED_PERCENT}`);
    if (mem >= SATURATED_PERCENT) out.push(`memory_percent ${mem} ≥ ${SATURATED_PERCENT}`);
  }
  if (cause === 'configuration_error' || cause === 'data_inconsistency') {
    out.push(...deploymentNotes(req));
  }
  if (out.length === (stage === null ? 0 : 1)) out.push('no log line matched a known error signature');
  return out;
}

function contributingFactors(
  req: RootCauseRequest,
  stage: string | null,
  cause: PrimaryCause,
  scores: Map<PrimaryCause, number>,
  bySignature: Map<Signature, SignatureEvidence>,
  deployed: boolean,
): string[] {
  const out: string[] = [];
  if (req.metrics.latency_spike) out.push('latency spike at the time of the failure');
  const failures = req.history.same_stage_failures_last_7d;
  if (failures > 0) {
    const who = stage === null ? 'the stage' : `stage "${stage}"`;
    const kind = failures >= RECURRING_FAILURES ? 'recurring, not a one-off' : 'possibly transient';
    out.push(`${who} failed ${failures} time${failures === 1 ? '' : 's'} in the last 7 days (${kind})`);
  }
  for (const [name, value] of [
    ['CPU', req.metrics.cpu_percent],
    ['memory', req.metrics.memory_percent],
  ] as const) {
    if (value >= SATURATED_PERCENT && cause !== 'resource_bottleneck')
      out.push(`${name} at ${value}% (≥ ${SATURATED_PERCENT}%)`);
    else if (value >= BUSY_PERCENT && value < SATURATED_PERCENT)
      out.push(`${name} at ${value}% (near saturation)`);
  }
  if (deployed && cause !== 'configuration_error' && cause !== 'data_inconsistency')
    out.push(...deploymentNotes(req));
  for (const [other, score] of scores) {
    if (other === cause || score < 0.5) continue;
    const signs = [...bySignature.values()].filter((e) => CAUSE_OF_SIGNATURE[e.signature] === other);
    const named = signs.map((e) => `${e.signature} ×${e.lines + e.contextCount}`).join(', ');
    out.push(`also ${other} signals (score ${round(score)}${named === '' ? '' : `: ${named}`})`);
  }
  const cancelled = bySignature.get('cancelled');
  if (cancelled !== undefined) out.push(describeSignature(cancelled));
  return out;
}

function describeSignature(e: SignatureEvidence): string {
  const quoted = [...e.templates.values()]
    .sort((a, b) => b.count - a.count)
    .slice(0, QUOTED_TEMPLATES)
    .map((t) => `"${t.text}" ×${t.count}`)
    .join(', ');
  const seen = [
    e.lines > 0 ? `${e.lines} log line${e.lines === 1 ? '' : 's'}` : '',
    e.contextCount > 0 ? `${e.contextCount} earlier` : '',
  ]
    .filter((s) => s !== '')
    .join(' + ');
  return `${e.signature} (${e.rule}, confidence ${round(e.best)}): ${seen}${quoted === '' ? '' : ` — ${quoted}`}`;
}

function deploymentNotes(req: RootCauseRequest): string[] {
  const notes = req.version_changes.map((v) => {
    const what = [
      v.version === null ? 'pipeline version changed' : `pipeline version ${v.version}`,
      v.summary,
    ]
      .filter((s) => s !== null)
      .join(': ');
    return v.changed_at === null ? what : `${what} (${v.changed_at})`;
  });
  if (req.history.recent_deployment) notes.unshift('a deployment shortly before the failure');
  return notes;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
