import type { TimedPageQuery } from '../ports/index.js';
import { ValidationError } from '../shared/index.js';

/** A list endpoint's query string as the schema let it through (times still text). */
export type ListQueryInput = {
  limit?: number;
  offset?: number;
  pipeline_id?: string;
  since?: string;
  until?: string;
};

/** The list conventions: limit (default 50), offset, pipeline_id, since and until as ISO-8601. */
export function parseListQuery(q: ListQueryInput): TimedPageQuery {
  const time = (name: 'since' | 'until'): number | undefined => {
    const v = q[name];
    if (v === undefined) return undefined;
    const t = Date.parse(v);
    if (!Number.isFinite(t)) throw new ValidationError(name, `${name} must be an ISO-8601 time`);
    return t;
  };
  return {
    limit: q.limit ?? 50,
    offset: q.offset ?? 0,
    pipeline_id: q.pipeline_id,
    since: time('since'),
    until: time('until'),
  };
}
