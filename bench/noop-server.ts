/**
 * The yardsticks for ingest: a Fastify server on the same machine with a do-nothing JSON route
 * (single events) and a route that only parses a JSON array body as the ingest route does and
 * answers its length (1,000-event batches: the floor of HTTP and JSON parsing, with the service's
 * body limit). Run: node --import tsx bench/noop-server.ts PORT
 */
import Fastify from 'fastify';
import { useJsonArrayParser } from '../src/http/json-array.js';

const port = Number(process.argv[2] ?? 18090);
const app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
app.post('/noop', async () => ({ success: true }));
// The batch body parsed as the ingest route parses it (a large array a piece at a time), so the two
// compare; the single-event route above keeps Fastify's own parser (the plugin scopes this one).
await app.register(async (scope) => {
  useJsonArrayParser(scope);
  scope.post('/noop-batch', async (request) => ({ accepted: (request.body as unknown[]).length }));
});
await app.listen({ port, host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
