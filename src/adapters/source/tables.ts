/** `"schema"."table"`, quoted so any schema name is safe. */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** Quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Reads `pipeline_stages` rows by id (the applier's cache-miss lookup). */
export function fetchStagesSql(schema: string): string {
  return `SELECT to_jsonb(t) AS r FROM ${qualified(schema, 'pipeline_stages')} t WHERE t.id::text = ANY($1::text[])`;
}
