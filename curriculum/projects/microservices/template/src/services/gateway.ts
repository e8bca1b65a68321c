// The gateway (given): the shop's one public entry. It forwards to catalog and orders through
// upstream callers (balancing, retries, breakers: yours) and gives every order an idempotency key.
//   GET  /products, /products/:id  → catalog
//   POST /orders                   → orders, with the client's Idempotency-Key or a new one
//   GET  /orders, /orders/:id      → orders
import { randomUUID } from 'node:crypto';
import { main } from '../lib/bootstrap.ts';
import { IDEMPOTENCY_HEADER, INSTANCE_HEADER, UPSTREAM_INSTANCE_HEADER, type Handler, type Route } from '../lib/http.ts';
import type { Upstream } from '../lib/upstream.ts';

/** Forwards the request as it came and answers what the service answered. */
function forward(upstream: Upstream, idempotent: boolean): Handler {
  return async ({ req, method, url, body, correlationId, log }) => {
    const given = req.headers[IDEMPOTENCY_HEADER];
    // One key per client request, made before the first attempt: every retry carries the same.
    const idempotencyKey = idempotent ? (typeof given === 'string' && given !== '' ? given : randomUUID()) : undefined;
    const response = await upstream.call(method, url.pathname, { body, correlationId, idempotencyKey, log });
    const servedBy = response.headers[INSTANCE_HEADER];
    return { status: response.status, body: response.json ?? response.text, headers: typeof servedBy === 'string' ? { [UPSTREAM_INSTANCE_HEADER]: servedBy } : undefined };
  };
}

main('gateway', async ({ upstream }) => {
  const catalog = await upstream('catalog');
  const orders = await upstream('orders');
  const routes: Route[] = [
    { method: 'GET', path: '/products', handler: forward(catalog, false) },
    { method: 'GET', path: '/products/:id', handler: forward(catalog, false) },
    { method: 'POST', path: '/orders', handler: forward(orders, true) },
    { method: 'GET', path: '/orders', handler: forward(orders, false) },
    { method: 'GET', path: '/orders/:id', handler: forward(orders, false) },
  ];
  return { routes };
});
