// The catalog service (given): what the shop sells. A product's page asks inventory for its stock.
//   GET /products      → 200 {"products": [{"id", "name", "priceCents"}, …]}
//   GET /products/:id  → 200 {"id", "name", "priceCents", "available"}, 404 if unknown
import { main } from '../lib/bootstrap.ts';
import { HttpError, type Route } from '../lib/http.ts';
import { PRODUCTS } from '../products.ts';

main('catalog', async ({ upstream }) => {
  const inventory = await upstream('inventory');
  const routes: Route[] = [
    { method: 'GET', path: '/products', handler: async () => ({ status: 200, body: { products: PRODUCTS } }) },
    {
      method: 'GET',
      path: '/products/:id',
      handler: async ({ params, correlationId, log }) => {
        const product = PRODUCTS.find((p) => p.id === params.id);
        if (!product) {
          throw new HttpError(404, `no product ${params.id}`);
        }
        const stock = await inventory.call('GET', `/stock/${encodeURIComponent(product.id)}`, { correlationId, log });
        if (stock.status !== 200) {
          throw new HttpError(502, `inventory answered ${stock.status}`);
        }
        return { status: 200, body: { ...product, available: (stock.json as { available: number }).available } };
      },
    },
  ];
  return { routes };
});
