// How every service process starts (given): configuration from the environment, a logger, the
// HTTP service, callers for the services it depends on (through the registry when REGISTRY_URL
// is set, else the static <NAME>_URL lists), registration, and a graceful exit on SIGTERM.
import { hostname } from 'node:os';
import { CONFIG_SPECS, int, str, urls, type ServiceName } from '../config.ts';
import { Balancer } from './balancer.ts';
import { ConfigError, loadConfig, type ConfigValues } from './config.ts';
import { registrySource, startRegistration, staticSource, type InstanceSource, type Registration } from './discovery.ts';
import type { Route } from './http.ts';
import { createLogger, type Level, type Logger } from './log.ts';
import { MetricsRegistry } from './metrics.ts';
import { CircuitBreaker } from './resilience.ts';
import { exitOnSignals, startService } from './service.ts';
import { Upstream } from './upstream.ts';

export interface ServiceContext {
  readonly name: ServiceName;
  readonly config: ConfigValues;
  readonly log: Logger;
  readonly metrics: MetricsRegistry;
  readonly instanceId: string;
  /** A caller for another service, made once per target. */
  upstream(target: ServiceName): Promise<Upstream>;
}

export interface ServiceDefinition {
  readonly routes: readonly Route[];
  /** Extra readiness condition. */
  readonly ready?: () => boolean;
}

/** An instance is skipped this long after it failed to answer (the balancer's passive health check). */
const EJECT_MS = 5000;

export async function runService(name: ServiceName, define: (context: ServiceContext) => Promise<ServiceDefinition>): Promise<void> {
  let config: ConfigValues;
  try {
    config = loadConfig(CONFIG_SPECS[name], process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      createLogger(name).error('bad configuration', { problems: error.problems });
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(name, { level: str(config, 'LOG_LEVEL') as Level });
  const instanceId = str(config, 'INSTANCE_ID') ?? `${hostname()}-${process.pid}`;
  const metrics = new MetricsRegistry();
  const registryUrl = str(config, 'REGISTRY_URL');
  const sources: InstanceSource[] = [];
  const upstreams = new Map<ServiceName, Promise<Upstream>>();

  const makeUpstream = async (target: ServiceName): Promise<Upstream> => {
    const source = registryUrl
      ? await registrySource(registryUrl, target, int(config, 'REFRESH_MS'), log)
      : staticSource(urls(config, `${target.toUpperCase()}_URL`));
    sources.push(source);
    return new Upstream({
      name: target,
      balancer: new Balancer(source, { ejectMs: EJECT_MS }),
      log,
      timeoutMs: int(config, 'REQUEST_TIMEOUT_MS'),
      retry: { attempts: int(config, 'RETRY_ATTEMPTS'), baseMs: int(config, 'RETRY_BASE_MS'), maxMs: int(config, 'RETRY_MAX_MS') },
      breaker: new CircuitBreaker({ threshold: int(config, 'BREAKER_THRESHOLD'), coolDownMs: int(config, 'BREAKER_COOLDOWN_MS') }),
      metrics,
    });
  };
  const context: ServiceContext = {
    name,
    config,
    log,
    metrics,
    instanceId,
    upstream: (target) => {
      let upstream = upstreams.get(target);
      if (!upstream) {
        upstream = makeUpstream(target);
        upstreams.set(target, upstream);
      }
      return upstream;
    },
  };

  const definition = await define(context);
  const service = await startService({
    name,
    instanceId,
    host: str(config, 'HOST') ?? '0.0.0.0',
    port: int(config, 'PORT'),
    routes: definition.routes,
    log,
    shutdownGraceMs: int(config, 'SHUTDOWN_GRACE_MS'),
    ready: definition.ready,
    metrics,
  });
  // Signals are handled from here on, before registering: the registry lists the instance as soon
  // as it answers, and a SIGTERM that came before the handler would kill the process ungracefully.
  // A stop during registration deregisters once the registration is done.
  let registration: Promise<Registration> | undefined;
  exitOnSignals(
    service,
    log,
    async () => (await registration?.catch(() => undefined))?.stop(),
    async () => {
      for (const source of sources) {
        source.close();
      }
    },
  );
  if (registryUrl) {
    registration = startRegistration({
      registryUrl,
      service: name,
      id: instanceId,
      url: str(config, 'PUBLIC_URL') ?? service.url,
      heartbeatMs: int(config, 'HEARTBEAT_MS'),
      log,
    });
    await registration;
  }
}

/** Runs a service's main, printing what stopped it (a TODO of yours, for a start) on stderr. */
export function main(name: ServiceName, define: (context: ServiceContext) => Promise<ServiceDefinition>): void {
  runService(name, define).catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
