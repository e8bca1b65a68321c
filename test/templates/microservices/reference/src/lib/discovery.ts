// Milestone 2: service discovery. The registry keeps, per service, the instances that registered
// and renewed their lease within the TTL; an instance registers at start, heartbeats, and
// deregisters when it stops. Callers read the list and keep the last one they got.
import { fetchJson } from './http.ts';
import type { Logger } from './log.ts';

export interface Instance {
  readonly id: string;
  readonly url: string;
}

/**
 * The registry's memory. register() adds or renews an instance (a new URL replaces the old one);
 * list() returns the instances whose last register() was less than ttlMs ago, sorted by id;
 * deregister() removes one at once. Time comes from `now` so tests can move it.
 */
export class RegistryStore {
  readonly ttlMs: number;
  readonly #now: () => number;
  readonly #services = new Map<string, Map<string, { url: string; renewed: number }>>();

  constructor(options: { ttlMs: number; now?: () => number }) {
    this.ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  register(service: string, id: string, url: string): { ttlMs: number } {
    const instances = this.#services.get(service) ?? new Map<string, { url: string; renewed: number }>();
    instances.set(id, { url, renewed: this.#now() });
    this.#services.set(service, instances);
    return { ttlMs: this.ttlMs };
  }

  /** False when there was no such instance. */
  deregister(service: string, id: string): boolean {
    return this.#services.get(service)?.delete(id) ?? false;
  }

  list(service: string): Instance[] {
    const instances = this.#services.get(service);
    if (!instances) {
      return [];
    }
    const now = this.#now();
    for (const [id, entry] of instances) {
      if (now - entry.renewed >= this.ttlMs) {
        instances.delete(id);
      }
    }
    return [...instances].map(([id, entry]) => ({ id, url: entry.url })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Names of services with at least one live instance, sorted. */
  services(): string[] {
    return [...this.#services.keys()].filter((service) => this.list(service).length > 0).sort();
  }
}

export interface RegistrationOptions {
  readonly registryUrl: string;
  readonly service: string;
  readonly id: string;
  /** Where others reach this instance. */
  readonly url: string;
  readonly heartbeatMs: number;
  readonly log: Logger;
}

export interface Registration {
  /** Stops the heartbeats and deregisters (best effort: a dead registry does not block a shutdown). */
  stop(): Promise<void>;
}

const path = (options: RegistrationOptions): string =>
  `${options.registryUrl}/services/${encodeURIComponent(options.service)}/${encodeURIComponent(options.id)}`;

/**
 * Registers (PUT {registryUrl}/services/{service}/{id} with body {"url": url}; 200 expected),
 * resolving once the first registration succeeded (rejecting if it fails: the caller cannot work
 * unseen); then renews every heartbeatMs. A failed heartbeat is logged (warn) and the next one
 * tried on time: the registry may come back. stop() ends the heartbeats, waits for one already
 * on its way (or it would register the instance again), and sends DELETE.
 */
export async function startRegistration(options: RegistrationOptions): Promise<Registration> {
  const put = async (): Promise<void> => {
    const res = await fetchJson(path(options), { method: 'PUT', body: { url: options.url }, signal: AbortSignal.timeout(2000) });
    if (res.status !== 200) {
      throw new Error(`registry answered ${res.status}: ${res.text}`);
    }
  };
  await put();
  options.log.info('registered', { registry: options.registryUrl, service: options.service, id: options.id, url: options.url });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let beating: Promise<void> = Promise.resolve();
  const beat = (): void => {
    timer = setTimeout(() => {
      beating = put()
        .catch((error: unknown) => options.log.warn('heartbeat failed', { error: String(error) }))
        .finally(() => {
          if (!stopped) {
            beat();
          }
        });
    }, options.heartbeatMs);
  };
  beat();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      // A heartbeat already on its way must land before the DELETE, or it would register again.
      await beating;
      try {
        await fetchJson(path(options), { method: 'DELETE', signal: AbortSignal.timeout(1000) });
        options.log.info('deregistered', { service: options.service, id: options.id });
      } catch (error) {
        options.log.warn('deregistration failed', { error: String(error) });
      }
    },
  };
}

/** GET {registryUrl}/services/{service}: its live instances. Rejects on a network error or a non-200. */
export async function lookup(registryUrl: string, service: string, timeoutMs = 2000): Promise<Instance[]> {
  const res = await fetchJson(`${registryUrl}/services/${encodeURIComponent(service)}`, { signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) {
    throw new Error(`registry answered ${res.status} for ${service}`);
  }
  return (res.json as { instances: Instance[] }).instances;
}

/** Where a caller gets the URLs of a service's instances from. */
export interface InstanceSource {
  /** The URLs known now (the last good list). */
  current(): readonly string[];
  close(): void;
}

export function staticSource(urls: readonly string[]): InstanceSource {
  return { current: () => urls, close: () => undefined };
}

/**
 * Reads the service's instances from the registry now and then every refreshMs. A failed read
 * keeps the last list (logged at warn): a registry outage must not empty every caller's list.
 * Resolves after the first read (an empty list if it failed).
 */
export async function registrySource(registryUrl: string, service: string, refreshMs: number, log: Logger): Promise<InstanceSource> {
  let urls: readonly string[] = [];
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const refresh = async (): Promise<void> => {
    try {
      urls = (await lookup(registryUrl, service)).map((instance) => instance.url);
    } catch (error) {
      log.warn('registry lookup failed', { service, error: String(error) });
    }
  };
  const loop = (): void => {
    timer = setTimeout(() => {
      void refresh().finally(() => {
        if (!closed) {
          loop();
        }
      });
    }, refreshMs);
  };
  await refresh();
  loop();
  return {
    current: () => urls,
    close: () => {
      closed = true;
      clearTimeout(timer);
    },
  };
}
