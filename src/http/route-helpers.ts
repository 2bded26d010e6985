import type { FastifyInstance } from 'fastify';

/** Route option for bodies read by the service's own parser, which names the field at fault. */
export const OWN_VALIDATION = { validatorCompiler: () => () => true };

/** Epoch ms as ISO-8601, null kept. */
export const isoOrNull = (ms: number | null): string | null =>
  ms === null ? null : new Date(ms).toISOString();

/**
 * In this plugin's scope an empty JSON body reaches the handler as `undefined` (e.g. "train from the
 * store") instead of failing to parse; any other body is parsed as usual.
 */
export function acceptEmptyJsonBody(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || body.length === 0) done(null, undefined);
    else json(request, body as string, done);
  });
}
