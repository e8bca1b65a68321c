// The shop on a real cluster, for milestone 7's live test: finds a local cluster context (kind,
// minikube or k3d answering `kubectl cluster-info`), builds the images your manifests name and
// loads them into the cluster, applies k8s/ with a server-side dry run and then for real into a
// throwaway namespace, waits for every rollout, and deletes the namespace. Only local clusters:
// this never touches a context that could be shared.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import type { ServiceName } from '../src/config.ts';
import { baseImageArgs, mustDocker } from './docker.ts';

export interface Result {
  readonly ok: boolean;
  readonly out: string;
}

export function kubectl(args: readonly string[], timeoutMs = 60_000): Result {
  const result = spawnSync('kubectl', args, { encoding: 'utf8', timeout: timeoutMs });
  return { ok: !result.error && result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

/** The local cluster kinds this test may use, by context name: how to load an image into each. */
function loaderOf(context: string): ((image: string) => readonly string[]) | undefined {
  if (context.startsWith('kind-')) {
    return (image) => ['kind', 'load', 'docker-image', '--name', context.slice('kind-'.length), image];
  }
  if (context === 'minikube') {
    return (image) => ['minikube', 'image', 'load', image];
  }
  if (context.startsWith('k3d-')) {
    return (image) => ['k3d', 'image', 'import', '--cluster', context.slice('k3d-'.length), image];
  }
  return undefined;
}

/** Why there is no cluster to use (a skipped test's reason), or the context to use. */
export function clusterContext(): { context: string } | { absent: string } {
  if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error) {
    return { absent: 'unverified: no Kubernetes cluster context (kubectl is not installed)' };
  }
  const context = kubectl(['config', 'current-context'], 5000);
  if (!context.ok) {
    return { absent: 'unverified: no Kubernetes cluster context (kubectl has no current context)' };
  }
  if (!loaderOf(context.out)) {
    return {
      absent: `unverified: no Kubernetes cluster context (the current one, "${context.out}", is not a local kind, minikube or k3d cluster; the test only uses those)`,
    };
  }
  const info = kubectl(['cluster-info'], 5000);
  if (!info.ok) {
    return { absent: `unverified: no Kubernetes cluster context (${context.out} did not answer \`kubectl cluster-info\` within 5 s)` };
  }
  return { context: context.out };
}

/** Builds docker/<service>.Dockerfile as the image a manifest names, and loads it into the cluster. */
export async function buildAndLoad(context: string, service: ServiceName, image: string): Promise<void> {
  const dockerfile = `docker/${service}.Dockerfile`;
  await mustDocker(['build', '-f', dockerfile, '-t', image, ...(await baseImageArgs(dockerfile)), '.'], 600_000);
  const command = loaderOf(context)!(image);
  const loaded = spawnSync(command[0] as string, command.slice(1), { encoding: 'utf8', timeout: 300_000 });
  if (loaded.error || loaded.status !== 0) {
    throw new Error(`${command.join(' ')} failed: ${loaded.error?.message ?? `${loaded.stdout}${loaded.stderr}`}`);
  }
}

/** A namespace made for one run, labelled so that it is recognisable, deleted by remove(). */
export class ThrowawayNamespace {
  readonly name = `shop-check-${process.pid}-${Date.now().toString(36)}`;

  create(): void {
    must(kubectl(['create', 'namespace', this.name]), 'kubectl create namespace');
    kubectl(['label', 'namespace', this.name, 'ds-roadmap.shop=check']);
  }

  /** `kubectl apply` of the files, with a server-side dry run first: the API server's own validation and admission. */
  apply(files: readonly string[]): void {
    const args = ['apply', '--namespace', this.name, ...files.flatMap((f) => ['-f', f])];
    must(kubectl([...args, '--dry-run=server']), 'kubectl apply --dry-run=server');
    must(kubectl(args), 'kubectl apply');
  }

  rollout(deployment: string, timeoutSeconds: number): void {
    must(
      kubectl(['rollout', 'status', '--namespace', this.name, `deployment/${deployment}`, `--timeout=${timeoutSeconds}s`], (timeoutSeconds + 30) * 1000),
      `rollout of ${deployment}`,
    );
  }

  /** One Pod of a Deployment, by the Deployment's selector. */
  firstPod(deployment: string): string {
    const selector = kubectl(['get', 'deployment', deployment, '--namespace', this.name, '-o', 'jsonpath={.spec.selector.matchLabels}']).out;
    const labels = Object.entries(JSON.parse(selector || '{}') as Record<string, string>)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return must(kubectl(['get', 'pods', '--namespace', this.name, '-l', labels, '-o', 'jsonpath={.items[0].metadata.name}']), `pods of ${deployment}`);
  }

  deletePod(pod: string): void {
    must(kubectl(['delete', 'pod', pod, '--namespace', this.name, '--wait=false']), `delete pod ${pod}`);
  }

  /** Forwards a free local port to a Service's port; resolves once kubectl prints which (within 20 s). */
  async portForward(service: string, port: number): Promise<{ url: string; stop: () => void }> {
    const child = spawn('kubectl', ['port-forward', '--namespace', this.name, `service/${service}`, `:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = (): void => void child.kill();
    const printed = new Promise<string>((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const local = /127\.0\.0\.1:(\d+)/.exec(line)?.[1];
        if (local !== undefined) {
          resolve(local);
        }
      });
    });
    const fails = (why: string) => (): never => {
      throw new Error(`kubectl port-forward ${why}`);
    };
    const timer = new AbortController();
    try {
      const local = await Promise.race([
        printed,
        once(child, 'exit').then(fails('exited')),
        delay(20_000, undefined, { signal: timer.signal }).then(fails('printed no port within 20 s')),
      ]);
      return { url: `http://127.0.0.1:${local}`, stop };
    } catch (error) {
      stop();
      throw error;
    } finally {
      timer.abort();
    }
  }

  remove(): void {
    kubectl(['delete', 'namespace', this.name, '--wait=false']);
  }
}

function must(result: Result, what: string): string {
  if (!result.ok) {
    throw new Error(`${what} failed:\n${result.out.slice(-3000)}`);
  }
  return result.out;
}
