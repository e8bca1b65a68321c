// The inventory service (given): stock per product, and reservations that take from it.
//   GET  /stock/:id     → 200 {"productId", "available"}, 404 if unknown
//   POST /reservations  {"productId", "quantity"} with an Idempotency-Key header
//                       → 201 {"id", "productId", "quantity"}; 409 not enough stock; 400 no key
//                       (the same key again: the same reservation, taken once)
//   GET  /reservations  → 200 {"reservations": [...]}
import { randomUUID } from 'node:crypto';
import { main } from '../lib/bootstrap.ts';
import { HttpError, IDEMPOTENCY_HEADER, type Route } from '../lib/http.ts';
import { IdempotencyConflict, IdempotencyStore } from '../lib/idempotency.ts';
import { PRODUCTS } from '../products.ts';

interface Reservation {
  readonly id: string;
  readonly productId: string;
  readonly quantity: number;
}

export const INITIAL_STOCK = 1000;

main('inventory', async () => {
  const stock = new Map(PRODUCTS.map((p) => [p.id, INITIAL_STOCK]));
  const reservations: Reservation[] = [];
  const keys = new IdempotencyStore<Reservation>();
  const routes: Route[] = [
    {
      method: 'GET',
      path: '/stock/:id',
      handler: async ({ params }) => {
        const available = stock.get(params.id as string);
        if (available === undefined) {
          throw new HttpError(404, `no product ${params.id}`);
        }
        return { status: 200, body: { productId: params.id, available } };
      },
    },
    {
      method: 'POST',
      path: '/reservations',
      handler: async ({ req, body, log }) => {
        const key = req.headers[IDEMPOTENCY_HEADER];
        const { productId, quantity } = (body ?? {}) as { productId?: unknown; quantity?: unknown };
        if (typeof key !== 'string' || key === '') {
          throw new HttpError(400, `a reservation needs an ${IDEMPOTENCY_HEADER} header`);
        }
        if (typeof productId !== 'string' || !Number.isInteger(quantity) || (quantity as number) < 1) {
          throw new HttpError(400, 'body must be {"productId": string, "quantity": integer ≥ 1}');
        }
        try {
          const { value, replayed } = await keys.run(key, JSON.stringify([productId, quantity]), async () => {
            const available = stock.get(productId);
            if (available === undefined) {
              throw new HttpError(404, `no product ${productId}`);
            }
            if (available < (quantity as number)) {
              throw new HttpError(409, `only ${available} of ${productId} left`);
            }
            stock.set(productId, available - (quantity as number));
            const reservation = { id: randomUUID(), productId, quantity: quantity as number };
            reservations.push(reservation);
            log.info('reserved', { reservation: reservation.id, productId, quantity });
            return reservation;
          });
          return { status: 201, body: value, headers: replayed ? { 'idempotent-replayed': 'true' } : undefined };
        } catch (error) {
          throw error instanceof IdempotencyConflict ? new HttpError(422, error.message) : error;
        }
      },
    },
    { method: 'GET', path: '/reservations', handler: async () => ({ status: 200, body: { reservations } }) },
  ];
  return { routes };
});
