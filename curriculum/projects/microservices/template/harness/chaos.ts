// `npm run chaos`: breaks the shop on a local cluster (kind or minikube) while a bounded load runs
// through the gateway, and prints the figures. Needs kubectl, a current context named kind-… or
// minikube, and the shop deployed (README, "On Kubernetes"); otherwise it says why and exits 0,
// so it is safe to run anywhere and never touches a cluster that was not made for it.
// Scenarios: delete one catalog Pod (its ReplicaSet replaces it; the Service drops it from its
// endpoints), then scale catalog down to 1 replica and back up. Requests through the gateway
// should keep succeeding: the gateway retries GETs on a fresh connection, and kube-proxy sends
// each new connection to a ready Pod.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { figures, formatFigures, runLoad, type Sample } from './load.ts';

function kubectl(...args: string[]): { ok: boolean; out: string } {
  const result = spawnSync('kubectl', args, { encoding: 'utf8', timeout: 60_000 });
  return { ok: !result.error && result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

function skip(reason: string): never {
  console.log(`chaos: skipped: ${reason}`);
  process.exit(0);
}

/** Forwards a free local port to the gateway Service; resolves with it once kubectl says so. */
function portForward(): Promise<{ url: string; stop: () => void }> {
  const child = spawn('kubectl', ['port-forward', 'service/gateway', ':80'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('kubectl port-forward did not start within 20 s')), 20_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const port = /127\.0\.0\.1:(\d+)/.exec(line)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${port}`, stop: () => child.kill() });
      }
    });
    child.on('exit', () => reject(new Error('kubectl port-forward exited')));
  });
}

async function scenario(label: string, gateway: string, act: () => void, durationMs: number): Promise<Sample[]> {
  const started = performance.now();
  let acted = false;
  const samples = await runLoad({
    url: () => `${gateway}/products`,
    concurrency: 4,
    maxRequests: 50_000,
    stop: () => performance.now() - started > durationMs,
    onAnswer: () => {
      if (!acted && performance.now() - started > 2000) {
        acted = true;
        act();
      }
    },
  });
  console.log(formatFigures(label, figures(samples)));
  return samples;
}

/** Why chaos must not run against the current kubectl context, or undefined when it may. */
export function refusal(): string | undefined {
  if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error) {
    return 'kubectl is not installed.';
  }
  const context = kubectl('config', 'current-context');
  // Deleting Pods is only for a cluster made for this: never a context that could be shared.
  if (!context.ok || !(context.out.startsWith('kind-') || context.out === 'minikube')) {
    return `the current kubectl context is ${context.ok ? `"${context.out}"` : 'unset'}, not a kind or minikube cluster.`;
  }
  if (!kubectl('get', 'deployment', 'gateway', 'catalog', '-o', 'name').ok) {
    return 'the shop is not deployed on this cluster (see the README, "On Kubernetes").';
  }
  return undefined;
}

async function main(): Promise<void> {
  const why = refusal();
  if (why) {
    skip(why);
  }
  kubectl('rollout', 'status', 'deployment/catalog', '--timeout=120s');
  const forward = await portForward();
  try {
    const deleted = await scenario('delete one catalog Pod', forward.url, () => {
      const pod = kubectl('get', 'pods', '-l', 'app.kubernetes.io/name=catalog', '-o', 'jsonpath={.items[0].metadata.name}').out;
      console.log(`  deleting pod ${pod}`);
      kubectl('delete', 'pod', pod, '--wait=false');
    }, 15_000);
    kubectl('rollout', 'status', 'deployment/catalog', '--timeout=120s');
    const scaled = await scenario('scale catalog down to 1 and back', forward.url, () => {
      console.log('  scaling catalog to 1 replica');
      kubectl('scale', 'deployment/catalog', '--replicas=1');
    }, 15_000);
    kubectl('scale', 'deployment/catalog', '--replicas=2');
    kubectl('rollout', 'status', 'deployment/catalog', '--timeout=120s');
    const failedCount = [...deleted, ...scaled].filter((s) => s.status === 0 || s.status >= 500).length;
    console.log(`chaos: ${failedCount} failed requests in all`);
    process.exitCode = failedCount === 0 ? 0 : 1;
  } finally {
    forward.stop();
  }
}

// Run as a script (npm run chaos), not when the milestone 7 test imports refusal().
if (process.argv[1] === import.meta.filename) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
