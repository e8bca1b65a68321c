// The shop in real containers, for milestone 6's live test: finds a Docker engine, builds every
// service's image from your Dockerfiles, starts the topology of your compose.yaml with plain
// `docker network` and `docker run` commands (catalog twice, so one can die), publishes the gateway
// on 127.0.0.1 only, waits for every HEALTHCHECK, and removes everything it made (containers,
// network, images), marked with labels so that a run killed midway is cleaned by the next one.
import { spawn } from 'node:child_process';
import type { ServiceName } from '../src/config.ts';
import { composeEnv, readCompose, readDockerfile, type ComposeService } from './deploy.ts';
import { PROJECT_ROOT } from './processes.ts';
import { attachToTest } from './runs.ts';

export interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `docker <args>`; never throws (a missing docker command is status null, its error in stderr). */
export function docker(args: readonly string[], timeoutMs = 60_000): Promise<Result> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const child = spawn('docker', args, { cwd: PROJECT_ROOT, timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => resolve({ status: null, stdout: '', stderr: error.message }));
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** Runs `docker <args>` and answers its stdout, or throws with what it printed. */
export async function mustDocker(args: readonly string[], timeoutMs = 60_000): Promise<string> {
  const result = await docker(args, timeoutMs);
  if (result.status !== 0) {
    throw new Error(`docker ${args.join(' ')} failed (${result.status ?? 'timed out or not found'}):\n${(result.stderr || result.stdout).trim().slice(-3000)}`);
  }
  return result.stdout;
}

/** Why there is no engine to use (the reason a skipped live test gives), or undefined when one answers. */
export async function engineAbsence(): Promise<string | undefined> {
  if (process.env.ROADMAP_NO_DOCKER === '1') {
    return 'unverified: ROADMAP_NO_DOCKER=1 turns the live container test off';
  }
  // Twice, so that one slow answer on a loaded machine does not count as no engine.
  let info = await docker(['info', '--format', '{{.ServerVersion}}'], 5000);
  if (info.status !== 0 && !/ENOENT/.test(info.stderr)) {
    info = await docker(['info', '--format', '{{.ServerVersion}}'], 5000);
  }
  if (info.status === null && /ENOENT/.test(info.stderr)) {
    return 'unverified: no docker command on PATH (install Docker Desktop or Docker Engine to run this test)';
  }
  if (info.status !== 0 || info.stdout.trim() === '') {
    return `unverified: no Docker engine answered \`docker info\` within 5 s (${(info.stderr.trim().split('\n').at(-1) ?? '').slice(0, 200) || 'no answer'})`;
  }
  return undefined;
}

/** The image the build script makes for machines that reach no registry (scripts/docker/base-image.sh). */
export const LOCAL_BASE_IMAGE = process.env.ROADMAP_BASE_IMAGE ?? 'ds-roadmap/node:22-bookworm-slim';

async function imagePresent(image: string): Promise<boolean> {
  return (await docker(['image', 'inspect', image], 15_000)).status === 0;
}

/**
 * The `--build-arg BASE_IMAGE=…` a build needs: none when the Dockerfile's default base is present
 * (or will be pulled: no local stand-in exists), the local stand-in when the default is absent.
 */
export async function baseImageArgs(dockerfile: string): Promise<string[]> {
  const file = readDockerfile(dockerfile);
  const base = file.args.BASE_IMAGE;
  if (base === undefined || (await imagePresent(base)) || !(await imagePresent(LOCAL_BASE_IMAGE))) {
    return [];
  }
  return ['--build-arg', `BASE_IMAGE=${LOCAL_BASE_IMAGE}`];
}

const LABEL = 'ds-roadmap.shop';

/** Removes what earlier runs left (their test process is gone): containers, then networks, then images. */
export async function sweepStale(): Promise<void> {
  const alive = (pid: string): boolean => {
    try {
      process.kill(Number(pid), 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const kind of ['container', 'network', 'image'] as const) {
    // Listed by label, then inspected for the pid in it (`ls --format` cannot show an image's labels).
    const ids = (await docker([kind, 'ls', '--quiet', ...(kind === 'container' ? ['-a'] : []), '--filter', `label=${LABEL}`])).stdout
      .split('\n')
      .filter(Boolean);
    if (ids.length === 0) {
      continue;
    }
    const listed = await docker([
      kind,
      'inspect',
      '--format',
      `{{.Id}} {{index ${kind === 'network' ? '.Labels' : '.Config.Labels'} "${LABEL}"}}`,
      ...new Set(ids),
    ]);
    const stale = listed.stdout
      .split('\n')
      .map((line) => line.trim().split(' '))
      .filter(([id, pid]) => id && pid && !alive(pid))
      .map(([id]) => id as string);
    if (stale.length > 0) {
      await docker(kind === 'container' ? ['rm', '-f', ...stale] : [kind, 'rm', ...(kind === 'image' ? ['-f'] : []), ...stale]);
    }
  }
}

export interface Container {
  /** The compose service. */
  readonly service: ServiceName;
  /** The container's name on the engine and its alias on the shop's network, e.g. catalog-2. */
  readonly name: string;
  readonly id: string;
  /** The container ports compose.yaml publishes. */
  readonly ports: readonly string[];
}

export interface BuildFigure {
  readonly service: ServiceName;
  readonly seconds: number;
  readonly bytes: number;
}

/** One shop on the engine: its images, network and containers, all removed by teardown(). */
export class ContainerShop {
  readonly run = `${process.pid}-${Date.now().toString(36)}`;
  readonly network = `ds-shop-${this.run}`;
  readonly containers: Container[] = [];
  readonly images = new Map<ServiceName, string>();
  readonly builds: BuildFigure[] = [];
  private readonly label = ['--label', `${LABEL}=${process.pid}`];

  /** Builds docker/<service>.Dockerfile from the project root, tagged shop-check/<service>:<run>. */
  async build(service: ServiceName): Promise<void> {
    const dockerfile = `docker/${service}.Dockerfile`;
    const tag = `shop-check/${service}:${this.run}`;
    const started = performance.now();
    const result = await docker(['build', '-f', dockerfile, '-t', tag, ...this.label, ...(await baseImageArgs(dockerfile)), '.'], 600_000);
    if (result.status !== 0) {
      attachToTest(`docker-build-${service}.log`, result.stdout + result.stderr);
      throw new Error(`docker build -f ${dockerfile} failed:\n${(result.stderr || result.stdout).trim().split('\n').slice(-15).join('\n')}`);
    }
    this.images.set(service, tag);
    const bytes = Number((await mustDocker(['image', 'inspect', '--format', '{{.Size}}', tag])).trim());
    this.builds.push({ service, seconds: (performance.now() - started) / 1000, bytes });
  }

  /**
   * Starts the services of compose.yaml in the order its depends_on asks (service_healthy: after
   * that service is healthy), each with its environment and `user:`, on one network where each is
   * reachable by its service name. `replicas` runs a service more than once: each replica is named
   * <service>-<n>, keeps the service name as an alias, and registers under its own PUBLIC_URL.
   */
  async start(replicas: Partial<Record<ServiceName, number>>, healthyWithinMs: number): Promise<void> {
    const services = readCompose('compose.yaml').compose.services ?? {};
    await mustDocker(['network', 'create', ...this.label, this.network]);
    const pending = new Map(Object.entries(services) as [ServiceName, ComposeService][]);
    const healthy = new Set<string>();
    while (pending.size > 0) {
      const ready = [...pending].filter(([, entry]) => dependencies(entry).every((name) => healthy.has(name) || !pending.has(name as ServiceName)));
      if (ready.length === 0) {
        throw new Error(`compose.yaml: depends_on makes a cycle among ${[...pending.keys()].join(', ')}`);
      }
      const started: Container[] = [];
      for (const [service, entry] of ready) {
        pending.delete(service);
        const count = replicas[service] ?? 1;
        for (let n = 1; n <= count; n++) {
          started.push(await this.runContainer(service, entry, count === 1 ? undefined : n));
        }
      }
      await this.waitHealthy(started, healthyWithinMs);
      for (const container of started) {
        healthy.add(container.service);
      }
    }
  }

  private async runContainer(service: ServiceName, entry: ComposeService, replica: number | undefined): Promise<Container> {
    const image = this.images.get(service);
    if (image === undefined) {
      throw new Error(`${service}: no image was built`);
    }
    const alias = replica === undefined ? service : `${service}-${replica}`;
    const env = composeEnv(entry);
    if (replica !== undefined && env.PUBLIC_URL) {
      const url = new URL(env.PUBLIC_URL);
      url.hostname = alias;
      env.PUBLIC_URL = url.toString().replace(/\/$/, '');
    }
    const user = typeof entry.user === 'string' || typeof entry.user === 'number' ? ['--user', String(entry.user)] : [];
    // Published on 127.0.0.1 only, each on a free host port: the test reads it back.
    const targets = (entry.ports ?? []).map((p) => (typeof p === 'object' ? String(p.target) : (String(p).split(':').at(-1)?.split('/')[0] ?? '')));
    const name = `ds-shop-${this.run}-${alias}`;
    const id = (
      await mustDocker([
        'run',
        '--detach',
        '--name',
        name,
        ...this.label,
        '--network',
        this.network,
        '--network-alias',
        alias,
        ...(alias === service ? [] : ['--network-alias', service]),
        ...Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
        ...user,
        ...targets.flatMap((port) => ['-p', `127.0.0.1::${port}`]),
        image,
      ])
    ).trim();
    const container = { service, name: alias, id, ports: targets };
    this.containers.push(container);
    return container;
  }

  /** Waits until each container's HEALTHCHECK says healthy; fails at once on unhealthy or exited, naming the container and its last health log. */
  async waitHealthy(containers: readonly Container[], withinMs: number): Promise<void> {
    const deadline = performance.now() + withinMs;
    const waiting = new Set(containers);
    while (waiting.size > 0) {
      for (const container of [...waiting]) {
        const state = await this.state(container);
        if (state.Health?.Status === 'healthy') {
          waiting.delete(container);
        } else if (!state.Running || state.Health === undefined || performance.now() > deadline || (state.Health.Status === 'unhealthy' && !slowOnly(state))) {
          throw new Error(await this.notHealthy(container, state, withinMs));
        }
      }
      if (waiting.size > 0) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  private async state(container: Container): Promise<ContainerState> {
    return JSON.parse(await mustDocker(['inspect', '--format', '{{json .State}}', container.id])) as ContainerState;
  }

  private async notHealthy(container: Container, state: ContainerState, withinMs: number): Promise<string> {
    const logs = await this.logs(container);
    const health = state.Health?.Log?.at(-1);
    const why = !state.Running
      ? `exited with code ${state.ExitCode}`
      : state.Health === undefined
        ? "has no HEALTHCHECK, so nothing tells the engine (or compose's service_healthy) that it is ready"
        : slowOnly(state)
          ? `is still "${state.Health.Status}" after ${withinMs / 1000} s, its checks running out of their --timeout (a node process starting on a loaded machine can take seconds; a longer --timeout helps)`
          : state.Health.Status === 'unhealthy'
            ? 'is unhealthy: its HEALTHCHECK failed every retry'
            : `is still "${state.Health.Status}" after ${withinMs / 1000} s`;
    const lastCheck = health ? `\nits last health check (exit ${health.ExitCode}): ${health.Output.trim().slice(0, 600) || '(no output)'}` : '';
    return `container ${container.name} (${this.images.get(container.service)}) ${why}${lastCheck}\nthe end of its log:\n${logs.split('\n').slice(-12).join('\n')}`;
  }

  /** A container's whole output (stdout and stderr), also attached to a failing run's .runs/ folder. */
  async logs(container: Container): Promise<string> {
    const result = await docker(['logs', container.id]);
    const text = result.stdout + result.stderr;
    attachToTest(`container-${container.name}.log`, text);
    return text;
  }

  /** The host port the engine published a container's port on (127.0.0.1). */
  async publishedPort(container: Container, port: string): Promise<number> {
    const line = (await mustDocker(['port', container.id, `${port}/tcp`])).trim().split('\n')[0] ?? '';
    const match = /^127\.0\.0\.1:(\d+)$/.exec(line);
    if (!match) {
      throw new Error(`${container.name}: port ${port} is published as "${line}", not on 127.0.0.1`);
    }
    return Number(match[1]);
  }

  /** The user id of each process in the container, as the engine sees them (`docker top`, no program needed in the image). */
  async processUids(container: Container): Promise<{ uid: string; command: string }[]> {
    const lines = (await mustDocker(['top', container.id, '-o', 'pid,uid,args'])).trim().split('\n').slice(1);
    return lines.map((line) => {
      const [, uid = '', ...command] = line.trim().split(/\s+/);
      return { uid, command: command.join(' ') };
    });
  }

  /** Removes the containers, the network and the images this shop made, whatever state they are in. */
  async teardown(): Promise<void> {
    const ids = this.containers.map((c) => c.id);
    if (ids.length > 0) {
      await docker(['rm', '-f', '--volumes', ...ids]);
    }
    await docker(['network', 'rm', this.network]);
    const images = [...this.images.values()];
    if (images.length > 0) {
      // Untagging removes the final stage's layers; the build stage's layers stay as the engine's
      // build cache, so the next run does not reinstall the dev dependencies.
      await docker(['image', 'rm', '-f', ...images]);
    }
  }
}

/**
 * An unhealthy container whose checks only ran out of time (on a loaded machine a node process can
 * take longer to start than a HEALTHCHECK's --timeout) may still turn healthy: it is waited for
 * until the deadline. Any other failure (a program missing, a wrong port) fails at once.
 */
function slowOnly(state: ContainerState): boolean {
  const log = state.Health?.Log ?? [];
  return log.length > 0 && log.every((check) => check.ExitCode === 0 || /exceeded timeout/i.test(check.Output));
}

interface ContainerState {
  readonly Running: boolean;
  readonly ExitCode: number;
  readonly Health?: { readonly Status: string; readonly Log?: readonly { readonly ExitCode: number; readonly Output: string }[] };
}

function dependencies(entry: ComposeService): string[] {
  const depends = entry.depends_on;
  return Array.isArray(depends) ? depends : Object.keys(depends ?? {});
}
