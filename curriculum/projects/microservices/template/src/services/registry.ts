// The registry service (given; its memory, RegistryStore, is yours in milestone 2):
//   PUT    /services/:name/:id  {"url": "http://…"} → 200 {"ttlMs": n}   register or renew
//   DELETE /services/:name/:id                    → 204, or 404 if unknown
//   GET    /services/:name                        → 200 {"instances": [{"id", "url"}, …]}
//   GET    /services                              → 200 {"services": {"<name>": [{"id", "url"}, …]}}
import { int } from '../config.ts';
import { main } from '../lib/bootstrap.ts';
import { RegistryStore } from '../lib/discovery.ts';
import { HttpError, type Route } from '../lib/http.ts';

main('registry', async ({ config, log }) => {
  const store = new RegistryStore({ ttlMs: int(config, 'REGISTRY_TTL_MS') });
  const routes: Route[] = [
    {
      method: 'PUT',
      path: '/services/:name/:id',
      handler: async ({ params, body }) => {
        const url = (body as { url?: unknown } | undefined)?.url;
        if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
          throw new HttpError(400, 'body must be {"url": "http://…"}');
        }
        const known = store.list(params.name as string).some((instance) => instance.id === params.id);
        const answer = store.register(params.name as string, params.id as string, url);
        if (!known) {
          log.info('instance registered', { service: params.name, id: params.id, url });
        }
        return { status: 200, body: answer };
      },
    },
    {
      method: 'DELETE',
      path: '/services/:name/:id',
      handler: async ({ params }) => {
        if (!store.deregister(params.name as string, params.id as string)) {
          throw new HttpError(404, `no instance ${params.id} of ${params.name}`);
        }
        log.info('instance deregistered', { service: params.name, id: params.id });
        return { status: 204 };
      },
    },
    { method: 'GET', path: '/services/:name', handler: async ({ params }) => ({ status: 200, body: { instances: store.list(params.name as string) } }) },
    {
      method: 'GET',
      path: '/services',
      handler: async () => ({ status: 200, body: { services: Object.fromEntries(store.services().map((name) => [name, store.list(name)])) } }),
    },
  ];
  return { routes };
});
