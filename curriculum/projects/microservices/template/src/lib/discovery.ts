// Milestone 2: service discovery. The registry keeps, per service, the instances that registered
// and renewed their lease within the TTL; an instance registers at start, heartbeats, and
// deregisters when it stops. Callers read the list and keep the last one they got.
// Given: fetchJson in http.ts (one request, the whole answer; pass AbortSignal.timeout(ms) as signal).
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

  constructor(options: { ttlMs: number; now?: () => number }) {
    this.ttlMs = options.ttlMs;
  }

  register(service: string, id: string, url: string): { ttlMs: number } {
    throw new Error('TODO(milestone 2): add or renew an instance in RegistryStore.register (src/lib/discovery.ts). Read first: "Service discovery".');
  }

  /** False when there was no such instance. */
  deregister(service: string, id: string): boolean {
    throw new Error('TODO(milestone 2): remove an instance in RegistryStore.deregister (src/lib/discovery.ts). Read first: "Service discovery".');
  }

  list(service: string): Instance[] {
    throw new Error('TODO(milestone 2): list live instances in RegistryStore.list (src/lib/discovery.ts). Read first: "Service discovery".');
  }

  /** Names of services with at least one live instance, sorted. */
  services(): string[] {
    throw new Error('TODO(milestone 2): list services in RegistryStore.services (src/lib/discovery.ts). Read first: "Service discovery".');
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

/**
 * Registers (PUT {registryUrl}/services/{service}/{id} with body {"url": url}; 200 expected),
 * resolving once the first registration succeeded (rejecting if it fails: the caller cannot work
 * unseen); then renews every heartbeatMs. A failed heartbeat is logged (warn) and the next one
 * tried on time: the registry may come back. stop() ends the heartbeats, waits for one already
 * on its way (or it would register the instance again), and sends DELETE.
 */
export async function startRegistration(options: RegistrationOptions): Promise<Registration> {
  throw new Error('TODO(milestone 2): register, heartbeat and deregister in startRegistration (src/lib/discovery.ts). Read first: "Service discovery".');
}

/** GET {registryUrl}/services/{service}: its live instances. Rejects on a network error or a non-200. */
export async function lookup(registryUrl: string, service: string, timeoutMs = 2000): Promise<Instance[]> {
  throw new Error('TODO(milestone 2): ask the registry in lookup (src/lib/discovery.ts). Read first: "Service discovery".');
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
  throw new Error('TODO(milestone 2): follow the registry in registrySource (src/lib/discovery.ts). Read first: "Service discovery".');
}
