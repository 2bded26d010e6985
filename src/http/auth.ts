import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKey, ApiScope } from '../config/index.js';
import { errorBody } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Scope a caller needs for this route; `open` needs no key at all. */
    scope?: ApiScope | 'open';
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Builds the onRequest hook enforcing API keys and scopes (CONVENTIONS.md). Keys are compared by
 * their SHA-256 digests in constant time, so neither content nor length leaks through timing.
 * With no keys configured every request passes (the service then listens on loopback only), so
 * there is no hook: null.
 */
export function authHook(keys: readonly ApiKey[]) {
  if (keys.length === 0) return null;
  const table = keys.map((k) => ({ digest: digest(k.key), scopes: k.scopes }));
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const scope = request.routeOptions.config.scope ?? 'read';
    // The API docs are public so a browser can read them; the endpoints they describe are not.
    if (scope === 'open' || request.url.startsWith('/docs')) return;
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (token === undefined || token === '') {
      return reply
        .status(401)
        .send(errorBody('UNAUTHORIZED', 'missing API key: send Authorization: Bearer <key>'));
    }
    const d = digest(token);
    let scopes: ReadonlySet<ApiScope> | undefined;
    for (const entry of table) if (timingSafeEqual(entry.digest, d)) scopes = entry.scopes;
    if (scopes === undefined) return reply.status(401).send(errorBody('UNAUTHORIZED', 'unknown API key'));
    if (!scopes.has(scope)) {
      return reply.status(403).send(errorBody('FORBIDDEN', `this API key lacks the "${scope}" scope`));
    }
  };
}
