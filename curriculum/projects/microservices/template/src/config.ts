// Every environment variable each service reads (given): the one place that says what can be
// configured. loadConfig (src/lib/config.ts) checks the environment against these lists, and the
// milestone 6 and 7 checks compare your Dockerfiles, compose file and manifests with them.
import type { ConfigValues } from './lib/config.ts';

export type VarKind = 'int' | 'string' | 'url' | 'urls' | 'level';

export interface VarSpec {
  readonly name: string;
  readonly kind: VarKind;
  /** Used when the variable is unset or empty; a variable with neither default nor `optional` is required. */
  readonly default?: string;
  readonly optional?: boolean;
  readonly description: string;
}

export type ServiceName = 'registry' | 'gateway' | 'catalog' | 'orders' | 'inventory';
export const SERVICES: readonly ServiceName[] = ['registry', 'gateway', 'catalog', 'orders', 'inventory'];

const SERVER: readonly VarSpec[] = [
  { name: 'PORT', kind: 'int', default: '8080', description: 'port to listen on (0: any free port)' },
  { name: 'HOST', kind: 'string', default: '0.0.0.0', description: 'address to listen on' },
  { name: 'LOG_LEVEL', kind: 'level', default: 'info', description: 'debug, info, warn or error' },
  { name: 'SHUTDOWN_GRACE_MS', kind: 'int', default: '10000', description: 'how long SIGTERM waits for in-flight requests' },
  { name: 'INSTANCE_ID', kind: 'string', optional: true, description: 'this instance\'s id (default: host name and pid)' },
];

const REGISTERED: readonly VarSpec[] = [
  { name: 'REGISTRY_URL', kind: 'url', optional: true, description: 'the registry to register with and look up in; unset: static URLs' },
  { name: 'PUBLIC_URL', kind: 'url', optional: true, description: 'the URL others reach this instance at (default http://127.0.0.1:PORT)' },
  { name: 'HEARTBEAT_MS', kind: 'int', default: '1000', description: 'interval between registrations' },
];

const CALLER: readonly VarSpec[] = [
  { name: 'REQUEST_TIMEOUT_MS', kind: 'int', default: '2000', description: 'timeout of one attempt to another service' },
  { name: 'RETRY_ATTEMPTS', kind: 'int', default: '3', description: 'attempts per call, the first included' },
  { name: 'RETRY_BASE_MS', kind: 'int', default: '50', description: 'back-off before the first retry (doubles each time, jittered)' },
  { name: 'RETRY_MAX_MS', kind: 'int', default: '1000', description: 'cap on one back-off' },
  { name: 'BREAKER_THRESHOLD', kind: 'int', default: '5', description: 'consecutive failures that open a circuit breaker' },
  { name: 'BREAKER_COOLDOWN_MS', kind: 'int', default: '5000', description: 'how long an open breaker fails fast before a trial call' },
  { name: 'REFRESH_MS', kind: 'int', default: '1000', description: 'how often instance lists are read from the registry' },
];

const url = (service: string): VarSpec => ({
  name: `${service.toUpperCase()}_URL`,
  kind: 'urls',
  optional: true,
  description: `${service} instances (comma-separated) when there is no registry, e.g. a Kubernetes Service`,
});

export const CONFIG_SPECS: Readonly<Record<ServiceName, readonly VarSpec[]>> = {
  registry: [...SERVER, { name: 'REGISTRY_TTL_MS', kind: 'int', default: '3000', description: 'an instance not renewed for this long is dropped' }],
  gateway: [...SERVER, ...REGISTERED, ...CALLER, url('catalog'), url('orders')],
  catalog: [...SERVER, ...REGISTERED, ...CALLER, url('inventory')],
  orders: [...SERVER, ...REGISTERED, ...CALLER, url('inventory')],
  inventory: [...SERVER, ...REGISTERED],
};

/** The entry file of each service: what `node` runs, in a container too. */
export const ENTRY_FILES: Readonly<Record<ServiceName, string>> = {
  registry: 'src/services/registry.ts',
  gateway: 'src/services/gateway.ts',
  catalog: 'src/services/catalog.ts',
  orders: 'src/services/orders.ts',
  inventory: 'src/services/inventory.ts',
};

/** Services that keep their state in memory: one replica each, or orders and stock would split. */
export const STATEFUL: readonly ServiceName[] = ['registry', 'orders', 'inventory'];

export function int(config: ConfigValues, name: string): number {
  const value = config[name];
  if (typeof value !== 'number') {
    throw new Error(`config ${name} is not a number: ${JSON.stringify(value)}`);
  }
  return value;
}

export function str(config: ConfigValues, name: string): string | undefined {
  const value = config[name];
  return typeof value === 'string' ? value : undefined;
}

export function urls(config: ConfigValues, name: string): readonly string[] {
  const value = config[name];
  return Array.isArray(value) ? value : [];
}
