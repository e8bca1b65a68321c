// A scenario's cast: a registry, service instances as processes (each optionally behind its own
// fault proxy, which is then the address it registers), one proxy log shared by all. close() ends
// every process and proxy it started. Timings are short so that tests are quick: heartbeats every
// 100 ms, a 2 s TTL (twenty missed heartbeats: a machine too busy to run a process for 600 ms
// would otherwise expire live instances), instance lists refreshed every 100 ms.
import type { ServiceName } from '../src/config.ts';
import { ask, eventually } from './client.ts';
import { ServiceProcess } from './processes.ts';
import { FaultProxy, ProxyLog, type Faults } from './proxy.ts';
import type { Random } from './random.ts';

export const FAST_ENV: Readonly<Record<string, string>> = {
  HEARTBEAT_MS: '100',
  REFRESH_MS: '100',
  SHUTDOWN_GRACE_MS: '3000',
  REQUEST_TIMEOUT_MS: '1500',
  RETRY_ATTEMPTS: '3',
  RETRY_BASE_MS: '20',
  RETRY_MAX_MS: '200',
  BREAKER_THRESHOLD: '5',
  BREAKER_COOLDOWN_MS: '1000',
};
export const REGISTRY_TTL_MS = 2000;

export interface StartOptions {
  /** Instance id and process name; `<service><n>` by default. */
  readonly name?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Put a fault proxy in front (with these faults): callers then reach the instance through it. */
  readonly proxy?: Faults;
}

export interface ShopInstance {
  readonly name: string;
  readonly service: ServiceName;
  readonly process: ServiceProcess;
  /** The instance itself. */
  readonly directUrl: string;
  /** What callers use: the proxy's URL when there is one. */
  readonly url: string;
  readonly proxy: FaultProxy | undefined;
}

export class Shop {
  readonly random: Random;
  readonly log = new ProxyLog();
  registry: ShopInstance | undefined;
  readonly instances: ShopInstance[] = [];
  readonly #proxies: FaultProxy[] = [];
  readonly #counts = new Map<string, number>();

  constructor(random: Random) {
    this.random = random;
  }

  async startRegistry(ttlMs = REGISTRY_TTL_MS): Promise<ShopInstance> {
    this.registry = await this.#launch('registry', { name: 'registry', env: { REGISTRY_TTL_MS: String(ttlMs) } }, {});
    return this.registry;
  }

  /** Starts an instance registered with the shop's registry (if any) and waits until it listens. */
  async start(service: ServiceName, options: StartOptions = {}): Promise<ShopInstance> {
    const env: Record<string, string> = { ...FAST_ENV };
    if (this.registry) {
      env.REGISTRY_URL = this.registry.url;
    }
    return this.#launch(service, options, env);
  }

  async #launch(service: ServiceName, options: StartOptions, base: Record<string, string>): Promise<ShopInstance> {
    const count = (this.#counts.get(service) ?? 0) + 1;
    this.#counts.set(service, count);
    const name = options.name ?? `${service}${count}`;
    let proxy: FaultProxy | undefined;
    const env = { ...base, ...options.env };
    if (options.proxy) {
      proxy = await FaultProxy.start({ name, random: this.random.fork(`proxy:${name}`), log: this.log, faults: options.proxy });
      this.#proxies.push(proxy);
      env.PUBLIC_URL = proxy.url;
    }
    const process = new ServiceProcess(name, service, env);
    const instance: ShopInstance = { name, service, process, directUrl: '', url: '', proxy };
    this.instances.push(instance);
    const port = await process.listening();
    const directUrl = `http://127.0.0.1:${port}`;
    proxy?.setTarget(directUrl);
    const started: ShopInstance = { ...instance, directUrl, url: proxy ? proxy.url : directUrl };
    this.instances[this.instances.indexOf(instance)] = started;
    if (service === 'registry') {
      return started;
    }
    if (this.registry) {
      await this.waitRegistered(service, (urls) => urls.includes(started.url));
    }
    return started;
  }

  /** The URLs the registry lists for a service now (read by the harness itself). */
  async listed(service: ServiceName): Promise<string[]> {
    const answer = await ask(`${this.registry!.url}/services/${service}`);
    const instances = (answer.json as { instances?: { url: string }[] } | undefined)?.instances;
    return answer.status === 200 && Array.isArray(instances) ? instances.map((i) => i.url).sort() : [];
  }

  /** Waits until the registry's list for `service` satisfies `check`. */
  waitRegistered(service: ServiceName, check: (urls: string[]) => boolean, timeoutMs = 10_000): Promise<string[]> {
    return eventually(`the registry's list of ${service}`, () => this.listed(service), check, timeoutMs);
  }

  async close(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.process.kill()));
    await Promise.all(this.#proxies.map((proxy) => proxy.close()));
  }
}
