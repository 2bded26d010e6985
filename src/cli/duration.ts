const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `90s`, `30m`, `2h`, `1d` (also `500ms`, `1.5h`) into milliseconds; throws RangeError otherwise. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (m === null)
    throw new RangeError(`'${text}' is not a duration; use a number and a unit: 90s, 30m, 2h, 1d`);
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2]]);
  if (ms <= 0) throw new RangeError(`duration '${text}' must be more than zero`);
  return ms;
}
