/**
 * The yardstick for single-event ingest: a Fastify server with one do-nothing JSON route on the same
 * machine. Run: node --import tsx bench/noop-server.ts PORT
 */
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 18090);
const app = Fastify({ logger: false });
app.post('/noop', async () => ({ success: true }));
await app.listen({ port, host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
