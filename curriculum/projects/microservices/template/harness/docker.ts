// The shop in real containers, for milestone 6's live test: finds a Docker engine, builds every
// service's image from your Dockerfiles, starts the topology of your compose.yaml (with Docker
// Compose when this machine has it, harness/compose.ts, else with plain `docker network` and
// `docker run` commands; catalog twice, so one can die), publishes the gateway on 127.0.0.1 only,
// waits for every HEALTHCHECK, and removes everything it made (containers, network, images), marked
// with labels so that a run killed midway is cleaned by the next one.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceName } from '../src/config.ts';
import { deriveCompose, portTargets, replicaEnv, runProgram, type ComposeCommand, type Planned, type Result, type Runner } from './compose.ts';
import { readCompose, readDockerfile, type ComposeService } from './deploy.ts';
import { attachToTest } from './runs.ts';

export type { Result };

/** Runs `docker <args>`; never throws (a missing docker command is status null, its error in stderr). */
export function docker(args: readonly string[], timeoutMs = 60_000): Promise<Result> {
  return runProgram(['docker'], args, timeoutMs);
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

/** Removes what earlier runs left (their test process is gone): containers, then networks, then images, then compose files. */
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
  // The compose runner's generated files: a temporary folder ds-shop-<pid>-<time>-… per run.
  for (const name of readdirSync(tmpdir())) {
    const pid = /^ds-shop-(\d+)-/.exec(name)?.[1];
    if (pid !== undefined && !alive(pid)) {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
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
   * Starts the services of compose.yaml, with compose when the runner is compose (startWithCompose),
   * else with plain docker commands in the order its depends_on asks (service_healthy: after that
   * service is healthy), each with its environment and `user:`, on one network where each is
   * reachable by its service name. `replicas` runs a service more than once: each replica is named
   * <service>-<n>, keeps the service name as an alias, and registers under its own PUBLIC_URL.
   */
  async start(
    replicas: Partial<Record<ServiceName, number>>,
    healthyWithinMs: number,
    runner: Runner = { kind: 'docker', why: 'no runner given' },
  ): Promise<void> {
    if (runner.kind === 'compose') {
      await this.startWithCompose(runner.compose, replicas, healthyWithinMs);
      return;
    }
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

  /** The compose command and generated file of a compose run, for teardown. */
  private composeRun: { compose: ComposeCommand; folder: string; file: string } | undefined;

  /** `<compose> -p ds-shop-<run> -f <generated file> <args>`. */
  private composeArgs(args: readonly string[]): readonly string[] {
    if (this.composeRun === undefined) {
      throw new Error('no compose run');
    }
    return ['-p', this.network, '-f', this.composeRun.file, ...args];
  }

  /**
   * `compose up -d --no-build` of a file derived from compose.yaml (harness/compose.ts), written
   * in a temporary folder, then the same wait for every HEALTHCHECK as the plain runner. Compose
   * itself fails `up` when a service_healthy dependency turns unhealthy; one whose checks only ran
   * out of time on a loaded machine is waited for and `up` run again (it starts what is left).
   */
  private async startWithCompose(compose: ComposeCommand, replicas: Partial<Record<ServiceName, number>>, healthyWithinMs: number): Promise<void> {
    const services = readCompose('compose.yaml').compose.services ?? {};
    const { file, planned } = deriveCompose(services, {
      images: this.images,
      replicas,
      namePrefix: this.network,
      network: this.network,
      labels: { [LABEL]: String(process.pid) },
    });
    const folder = mkdtempSync(join(tmpdir(), `${this.network}-`));
    // JSON is YAML: compose reads it as it would your compose.yaml.
    writeFileSync(join(folder, 'compose.yaml'), `${JSON.stringify(file, null, 2)}\n`);
    this.composeRun = { compose, folder, file: join(folder, 'compose.yaml') };
    attachToTest('compose.generated.yaml', `${JSON.stringify(file, null, 2)}\n`);
    const deadline = performance.now() + healthyWithinMs;
    let output = '';
    for (let attempt = 1; ; attempt++) {
      const up = await runProgram(compose.program, this.composeArgs(['up', '-d', '--no-build']), healthyWithinMs + 120_000);
      output += `$ ${compose.program.join(' ')} ${this.composeArgs(['up', '-d', '--no-build']).join(' ')}\n${up.stdout}${up.stderr}`;
      attachToTest('compose-up.log', output);
      const containers = await this.composeContainers(planned);
      if (up.status === 0) {
        if (containers.length !== planned.length) {
          throw new Error(
            `${compose.program.join(' ')} up made ${containers.map((c) => c.name).join(', ')}, not every one of ${planned.map((p) => p.alias).join(', ')}`,
          );
        }
        await this.waitHealthy(containers, Math.max(1000, deadline - performance.now()));
        return;
      }
      // Why up failed: a container that exited or turned unhealthy, named with its health log.
      const failing = [];
      for (const container of containers) {
        const state = await this.state(container);
        if (state.Health?.Status !== 'healthy') {
          failing.push({ container, state });
        }
      }
      const slow = failing.length > 0 && failing.every(({ state }) => state.Running && state.Health !== undefined && slowOnly(state));
      if (slow && attempt < 3 && performance.now() < deadline) {
        await this.waitHealthy(
          failing.map(({ container }) => container),
          deadline - performance.now(),
        );
        continue;
      }
      const missing = planned.filter((p) => !containers.some((c) => c.name === p.alias)).map((p) => p.alias);
      const waiting = failing.filter(({ state }) => state.Status === 'created').map(({ container }) => container.name);
      const broken = failing.filter(({ state }) => state.Status !== 'created' && (!state.Running || state.Health?.Status !== 'starting'));
      const reasons = await Promise.all(broken.map(({ container, state }) => this.notHealthy(container, state, healthyWithinMs)));
      throw new Error(
        `${compose.program.join(' ')} up could not start the shop (exit ${up.status ?? 'timed out'})` +
          (missing.length + waiting.length > 0 ? `; not started, because a service in their depends_on failed: ${[...missing, ...waiting].join(', ')}` : '') +
          (reasons.length > 0 ? `\n${reasons.join('\n')}` : '') +
          `\nthe end of compose's output:\n${`${up.stdout}${up.stderr}`.trim().split('\n').slice(-15).join('\n')}`,
      );
    }
  }

  /** The containers a compose run made, found by their container_name; those not made are left out. */
  private async composeContainers(planned: readonly Planned[]): Promise<Container[]> {
    this.containers.length = 0;
    for (const p of planned) {
      const id = await docker(['inspect', '--format', '{{.Id}}', p.containerName]);
      if (id.status === 0) {
        this.containers.push({ service: p.service, name: p.alias, id: id.stdout.trim(), ports: p.ports });
      }
    }
    return [...this.containers];
  }

  private async runContainer(service: ServiceName, entry: ComposeService, replica: number | undefined): Promise<Container> {
    const image = this.images.get(service);
    if (image === undefined) {
      throw new Error(`${service}: no image was built`);
    }
    const alias = replica === undefined ? service : `${service}-${replica}`;
    const env = replicaEnv(entry, alias, replica !== undefined);
    const user = typeof entry.user === 'string' || typeof entry.user === 'number' ? ['--user', String(entry.user)] : [];
    // Published on 127.0.0.1 only, each on a free host port: the test reads it back.
    const targets = portTargets(entry);
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
    if (this.composeRun !== undefined) {
      const down = await runProgram(this.composeRun.compose.program, this.composeArgs(['down', '--volumes', '--remove-orphans', '--timeout', '5']), 120_000);
      if (down.status !== 0) {
        attachToTest('compose-down.log', down.stdout + down.stderr);
      }
      rmSync(this.composeRun.folder, { recursive: true, force: true });
    }
    // After compose down these find nothing; they remove what a failed down or the plain runner left.
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
  /** created, running, exited… */
  readonly Status: string;
  readonly Running: boolean;
  readonly ExitCode: number;
  readonly Health?: { readonly Status: string; readonly Log?: readonly { readonly ExitCode: number; readonly Output: string }[] };
}

function dependencies(entry: ComposeService): string[] {
  const depends = entry.depends_on;
  return Array.isArray(depends) ? depends : Object.keys(depends ?? {});
}
