// Which runner starts the shop for milestone 6's live test, and the compose file it runs: Docker
// Compose when a `docker compose` (v2) or `docker-compose` (v1, 1.27 or later) answers, else plain
// `docker` commands (harness/docker.ts). The compose file is derived from yours, never written into
// your project: the images the test built, the gateway on 127.0.0.1 only, catalog twice, labels
// that let a run killed midway be cleaned by the next one.
import { spawn } from 'node:child_process';
import type { ServiceName } from '../src/config.ts';
import { composeEnv, type ComposeService } from './deploy.ts';
import { PROJECT_ROOT } from './processes.ts';

export interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `program <args>`; never throws (a missing program is status null, its error in stderr). */
export function runProgram(program: readonly string[], args: readonly string[], timeoutMs = 60_000): Promise<Result> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const [command = '', ...first] = program;
    const child = spawn(command, [...first, ...args], { cwd: PROJECT_ROOT, timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => resolve({ status: null, stdout: '', stderr: error.message }));
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

export interface ComposeCommand {
  /** `['docker', 'compose']` or `['docker-compose']`. */
  readonly program: readonly string[];
  /** What `version --short` printed, e.g. 2.29.7 or 1.29.2. */
  readonly version: string;
}

export type Runner = { readonly kind: 'compose'; readonly compose: ComposeCommand } | { readonly kind: 'docker'; readonly why: string };

/**
 * v1 understands `depends_on: {x: {condition: service_healthy}}` again from 1.27 (the Compose
 * Specification); 1.25 and 1.26 read it only in files of version 2.x.
 */
const V1_MINIMUM = [1, 27] as const;

function versionOf(text: string): [number, number] | undefined {
  const match = /(\d+)\.(\d+)\.\d+/.exec(text);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** The compose command this machine has, or why none is used. */
export async function findCompose(): Promise<{ compose?: ComposeCommand; why: string }> {
  const plugin = await runProgram(['docker', 'compose'], ['version', '--short'], 15_000);
  const pluginVersion = plugin.status === 0 ? versionOf(plugin.stdout) : undefined;
  if (pluginVersion && pluginVersion[0] >= 2) {
    return { compose: { program: ['docker', 'compose'], version: plugin.stdout.trim() }, why: '' };
  }
  const standalone = await runProgram(['docker-compose'], ['version', '--short'], 15_000);
  const version = standalone.status === 0 ? versionOf(standalone.stdout) : undefined;
  if (version === undefined) {
    return { why: 'neither `docker compose version` nor `docker-compose version` answered' };
  }
  const [major, minor] = version;
  if (major < V1_MINIMUM[0] || (major === V1_MINIMUM[0] && minor < V1_MINIMUM[1])) {
    return { why: `docker-compose ${standalone.stdout.trim()} is older than 1.27, which reads depends_on conditions in a compose file without a version` };
  }
  return { compose: { program: ['docker-compose'], version: standalone.stdout.trim() }, why: '' };
}

/**
 * The runner: ROADMAP_SHOP_RUNNER=compose or docker forces one (compose forced and absent throws,
 * never falling back); unset, compose when this machine has it, plain docker otherwise.
 */
export async function chooseRunner(): Promise<Runner> {
  const wanted = process.env.ROADMAP_SHOP_RUNNER ?? '';
  if (!['', 'auto', 'compose', 'docker'].includes(wanted)) {
    throw new Error(`ROADMAP_SHOP_RUNNER=${wanted}: use compose, docker or auto (or leave it unset)`);
  }
  if (wanted === 'docker') {
    return { kind: 'docker', why: 'ROADMAP_SHOP_RUNNER=docker' };
  }
  const found = await findCompose();
  if (found.compose) {
    return { kind: 'compose', compose: found.compose };
  }
  if (wanted === 'compose') {
    throw new Error(
      `ROADMAP_SHOP_RUNNER=compose, but no usable compose command: ${found.why}. Install the Docker Compose plugin (docker compose) or docker-compose 1.27 or later, or unset ROADMAP_SHOP_RUNNER to use plain docker commands.`,
    );
  }
  return { kind: 'docker', why: found.why };
}

/** What a generated compose file needs besides your compose.yaml. */
export interface DeriveOptions {
  /** The image the test built for each service. */
  readonly images: ReadonlyMap<ServiceName, string>;
  /** Services run more than once (catalog: 2). */
  readonly replicas: Partial<Record<ServiceName, number>>;
  /** The prefix of every container's name, e.g. ds-shop-<run>. */
  readonly namePrefix: string;
  /** The shop's network: its name on the engine. */
  readonly network: string;
  /** The labels every container and the network get (ds-roadmap.shop=<pid>). */
  readonly labels: Readonly<Record<string, string>>;
}

/** One container the generated file starts: the service it runs, and its alias. */
export interface Planned {
  readonly service: ServiceName;
  /** Its service's name in the generated file and its alias on the network, as the plain runner names it (catalog-1 for a replica). */
  readonly alias: string;
  readonly containerName: string;
  /** The container ports your compose.yaml publishes. */
  readonly ports: readonly string[];
}

/** The container ports of a compose `ports:` list (`"8080:8080"`, `8080`, `{target: 8080}`). */
export function portTargets(entry: ComposeService): string[] {
  return (entry.ports ?? []).map((p) => (typeof p === 'object' ? String(p.target) : (String(p).split(':').at(-1)?.split('/')[0] ?? '')));
}

/** The environment of a replica: PUBLIC_URL names the replica itself, so each registers its own address. */
export function replicaEnv(entry: ComposeService, alias: string, replicated: boolean): Record<string, string> {
  const env = composeEnv(entry);
  if (replicated && env.PUBLIC_URL) {
    const url = new URL(env.PUBLIC_URL);
    url.hostname = alias;
    env.PUBLIC_URL = url.toString().replace(/\/$/, '');
  }
  return env;
}

/** The keys of your service entries the generated file keeps as written. */
const KEPT = ['user', 'healthcheck', 'command', 'entrypoint'] as const;

/**
 * The compose file to run, derived from the services of your compose.yaml: each keeps its
 * environment (merge keys resolved), user, depends_on (conditions kept), healthcheck, command and
 * entrypoint; `build:` goes and `image:` is the built tag; ports are published on 127.0.0.1 on a
 * free host port; a replicated service becomes <service>-1, <service>-2… with the service's name
 * as a network alias (a depends_on on it waits for every replica).
 */
export function deriveCompose(services: Readonly<Record<string, ComposeService>>, options: DeriveOptions): { file: object; planned: Planned[] } {
  const planned: Planned[] = [];
  const namesOf = new Map<string, string[]>();
  for (const [service, entry] of Object.entries(services)) {
    const count = options.replicas[service as ServiceName] ?? 1;
    const names = count === 1 ? [service] : Array.from({ length: count }, (_, i) => `${service}-${i + 1}`);
    namesOf.set(service, names);
    for (const alias of names) {
      planned.push({
        service: service as ServiceName,
        alias,
        containerName: `${options.namePrefix}-${alias}`,
        ports: portTargets(entry),
      });
    }
  }
  const generated: Record<string, object> = {};
  for (const container of planned) {
    const entry = services[container.service] as ComposeService;
    const image = options.images.get(container.service);
    if (image === undefined) {
      throw new Error(`${container.service}: no image was built`);
    }
    const kept = Object.fromEntries(KEPT.filter((key) => entry[key] !== undefined).map((key) => [key, entry[key]]));
    if (typeof entry.user === 'number') {
      // `user: 1000` reads as a number; compose wants the string, as `docker run --user` does.
      kept.user = String(entry.user);
    }
    const replicated = container.alias !== container.service;
    generated[container.alias] = {
      ...kept,
      image,
      container_name: container.containerName,
      environment: replicaEnv(entry, container.alias, replicated),
      ...(container.ports.length > 0 ? { ports: container.ports.map((port) => `127.0.0.1::${port}`) } : {}),
      ...dependsOn(entry, namesOf),
      labels: { ...options.labels },
      networks: { default: replicated ? { aliases: [container.service] } : {} },
    };
  }
  const file = {
    services: generated,
    networks: { default: { name: options.network, labels: { ...options.labels } } },
  };
  return { file, planned };
}

/** A depends_on with each replicated service replaced by its replicas, conditions kept. */
function dependsOn(entry: ComposeService, namesOf: ReadonlyMap<string, string[]>): { depends_on?: Record<string, { condition: string }> } {
  const depends = entry.depends_on;
  if (depends === undefined) {
    return {};
  }
  const conditions: [string, string][] = Array.isArray(depends)
    ? depends.map((name) => [name, 'service_started'])
    : Object.entries(depends).map(([name, how]) => [name, how?.condition ?? 'service_started']);
  return { depends_on: Object.fromEntries(conditions.flatMap(([name, condition]) => (namesOf.get(name) ?? [name]).map((n) => [n, { condition }]))) };
}
