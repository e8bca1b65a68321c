// The orders service (given): places an order by reserving stock in inventory first.
//   POST /orders      {"productId", "quantity"} with an Idempotency-Key header
//                     → 201 {"id", "productId", "quantity", "reservationId", "status": "placed"}
//                     (the same key again: the same order, placed once); 400 no key; 409 no stock
//   GET  /orders      → 200 {"orders": [...]}
//   GET  /orders/:id  → 200 the order, 404 if unknown
import { randomUUID } from 'node:crypto';
import { main } from '../lib/bootstrap.ts';
import { HttpError, IDEMPOTENCY_HEADER, type Route } from '../lib/http.ts';
import { IdempotencyConflict, IdempotencyStore } from '../lib/idempotency.ts';

interface Order {
  readonly id: string;
  readonly productId: string;
  readonly quantity: number;
  readonly reservationId: string;
  readonly status: 'placed';
}

main('orders', async ({ upstream }) => {
  const inventory = await upstream('inventory');
  const orders = new Map<string, Order>();
  const keys = new IdempotencyStore<Order>();
  const routes: Route[] = [
    {
      method: 'POST',
      path: '/orders',
      handler: async ({ req, body, correlationId, log }) => {
        const key = req.headers[IDEMPOTENCY_HEADER];
        const { productId, quantity } = (body ?? {}) as { productId?: unknown; quantity?: unknown };
        if (typeof key !== 'string' || key === '') {
          throw new HttpError(400, `an order needs an ${IDEMPOTENCY_HEADER} header`);
        }
        if (typeof productId !== 'string' || !Number.isInteger(quantity) || (quantity as number) < 1) {
          throw new HttpError(400, 'body must be {"productId": string, "quantity": integer ≥ 1}');
        }
        try {
          const { value, replayed } = await keys.run(key, JSON.stringify([productId, quantity]), async () => {
            // The order's key is the reservation's key too: a retried order reserves once.
            const reserved = await inventory.call('POST', '/reservations', { body: { productId, quantity }, idempotencyKey: key, correlationId, log });
            if (reserved.status !== 201) {
              const message = (reserved.json as { error?: string } | undefined)?.error ?? reserved.text;
              throw new HttpError(reserved.status >= 500 ? 502 : reserved.status, `inventory: ${message}`);
            }
            const order: Order = { id: randomUUID(), productId, quantity: quantity as number, reservationId: (reserved.json as { id: string }).id, status: 'placed' };
            orders.set(order.id, order);
            log.info('order placed', { order: order.id, productId, quantity });
            return order;
          });
          return { status: 201, body: value, headers: replayed ? { 'idempotent-replayed': 'true' } : undefined };
        } catch (error) {
          throw error instanceof IdempotencyConflict ? new HttpError(422, error.message) : error;
        }
      },
    },
    { method: 'GET', path: '/orders', handler: async () => ({ status: 200, body: { orders: [...orders.values()] } }) },
    {
      method: 'GET',
      path: '/orders/:id',
      handler: async ({ params }) => {
        const order = orders.get(params.id as string);
        if (!order) {
          throw new HttpError(404, `no order ${params.id}`);
        }
        return { status: 200, body: order };
      },
    },
  ];
  return { routes };
});
