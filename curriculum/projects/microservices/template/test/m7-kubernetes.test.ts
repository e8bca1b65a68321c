// Milestone 7: Kubernetes, checked without a cluster. Every manifest is validated against the
// Kubernetes API schema of its kind, and for fields the API does not have; then cross-checked
// with each other and with the code: a Service must select its Deployment's Pods and reach a real
// container port, probes must ask the paths the service serves on the port it listens on, the
// environment must be one the service reads, and each service is started with its Pod's
// environment to answer its probes for real.
// With a local cluster (kind, minikube or k3d answering `kubectl cluster-info`) and a Docker engine,
// the last test applies the manifests for real in a throwaway namespace (harness/kube.ts); without
// them it is skipped with the reason, and a skipped test is "unverified", never passed.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONFIG_SPECS, STATEFUL, type ServiceName } from '../src/config.ts';
import { HEALTH_PATH, READY_PATH } from '../src/lib/http.ts';
import { IMAGE, readManifests, statusesWithEnv, todoIn, valueProblem, type Manifest } from '../harness/deploy.ts';
import { engineAbsence } from '../harness/docker.ts';
import { ThrowawayNamespace, buildAndLoad, clusterContext } from '../harness/kube.ts';
import { failed, figures, formatFigures, runLoad } from '../harness/load.ts';
import { PROJECT_ROOT } from '../harness/processes.ts';

const DEPLOYED: readonly ServiceName[] = ['gateway', 'catalog', 'orders', 'inventory'];
const files = readdirSync(join(PROJECT_ROOT, 'k8s'))
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => `k8s/${f}`);

// The shapes read from manifests (already validated against the API schemas).
interface Probe {
  httpGet?: { path?: string; port?: number | string };
}
interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { configMapRef?: { name?: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface DeploymentSpec {
  replicas?: number;
  selector: { matchLabels?: Record<string, string> };
  template: { metadata?: { labels?: Record<string, string> }; spec?: { containers: Container[]; terminationGracePeriodSeconds?: number } };
}
interface ServiceSpec {
  selector?: Record<string, string>;
  ports?: { name?: string; port: number; targetPort?: number | string }[];
}

/** Each Deployment's container environment, once its checks passed: tried for real at the end. */
const podEnvs = new Map<ServiceName, Record<string, string>>();
const spec = <T>(manifest: Manifest): T => manifest.object.spec as T;
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

function load(): { manifests: Manifest[]; of: (kind: string) => Manifest[] } {
  const todos = files.map(todoIn).filter((t) => t !== undefined);
  assert.deepEqual(todos, [], `still to do:\n${todos.join('\n')}`);
  const { manifests, problems } = readManifests(files);
  assert.deepEqual(problems, [], 'manifests that the Kubernetes API would reject');
  return { manifests, of: (kind) => manifests.filter((m) => m.kind === kind) };
}

/** A container's environment as the Pod gets it: envFrom ConfigMaps, then env (valueFrom as a placeholder). */
function podEnv(container: Container, configMaps: Manifest[], where: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const name = from.configMapRef?.name;
    const configMap = configMaps.find((c) => c.name === name);
    assert.ok(configMap, `${where}: envFrom names ConfigMap "${name}", which no manifest defines`);
    Object.assign(env, (configMap.object.data ?? {}) as Record<string, string>);
  }
  for (const variable of container.env ?? []) {
    env[variable.name] = variable.value ?? `${where}-from-the-cluster`;
  }
  return env;
}

/** The container port a probe or a Service's targetPort names (a number or a port name). */
function resolvePort(container: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') {
    return (container.ports ?? []).some((p) => p.containerPort === port) ? port : undefined;
  }
  return (container.ports ?? []).find((p) => p.name === port)?.containerPort;
}

test('the manifests are written (no TODO(milestone 7) left) and valid Kubernetes objects', () => {
  const { of } = load();
  for (const service of DEPLOYED) {
    assert.equal(of('Deployment').filter((d) => d.name === service).length, 1, `one Deployment named ${service}`);
    assert.equal(of('Service').filter((d) => d.name === service).length, 1, `one Service named ${service}`);
  }
  assert.ok(of('ConfigMap').length >= 1, 'settings shared by the services belong in a ConfigMap');
  assert.ok(!of('Deployment').some((d) => d.name === 'registry'), 'in Kubernetes, Services and their endpoints are the registry: no registry Deployment');
});

for (const service of DEPLOYED) {
  test(`k8s: the ${service} Deployment agrees with the code: env, port, probes, resources`, () => {
    const { of } = load();
    const deployment = of('Deployment').find((d) => d.name === service)!;
    const where = `${deployment.file}: Deployment ${service}`;
    const d = spec<DeploymentSpec>(deployment);
    const podLabels = d.template.metadata?.labels ?? {};
    assert.ok(matches(d.selector.matchLabels ?? {}, podLabels), `${where}: spec.selector.matchLabels must be non-empty and match the Pod template's labels`);
    if (STATEFUL.includes(service)) {
      assert.equal(d.replicas ?? 1, 1, `${where}: ${service} keeps its state in memory; more than one replica would split it`);
    } else {
      assert.ok((d.replicas ?? 1) >= 2, `${where}: ${service} is stateless: run at least 2 replicas so that one can die`);
    }
    const containers = d.template.spec?.containers ?? [];
    assert.equal(containers.length, 1, `${where}: one container`);
    const container = containers[0]!;
    assert.match(container.image ?? '', IMAGE(service), `${where}: the image is the one compose builds, shop/${service}:<version>`);

    const env = podEnv(container, of('ConfigMap'), where);
    for (const [name, value] of Object.entries(env)) {
      const variable = CONFIG_SPECS[service].find((v) => v.name === name);
      assert.ok(variable, `${where}: ${name} is not read by ${service} (src/config.ts)${name.endsWith('_URL') ? '' : '; a shared ConfigMap may only hold what every service reads'}`);
      if (!(container.env ?? []).find((e) => e.name === name)?.valueFrom) {
        assert.equal(valueProblem(variable, value), undefined);
      }
    }
    assert.equal(env.REGISTRY_URL, undefined, `${where}: no registry in Kubernetes; give the Services' URLs (<NAME>_URL)`);
    const port = Number(env.PORT ?? '8080');
    assert.ok((container.ports ?? []).some((p) => p.containerPort === port), `${where}: the service listens on ${port} (PORT); declare that containerPort`);
    for (const [name, value] of Object.entries(env).filter(([k]) => k.endsWith('_URL'))) {
      for (const url of value.split(',')) {
        const parsed = new URL(url.trim());
        const target = of('Service').find((s) => s.name === parsed.hostname);
        assert.ok(target, `${where}: ${name}=${url}: no Service named ${parsed.hostname}`);
        const servicePort = spec<ServiceSpec>(target).ports?.find((p) => p.port === Number(parsed.port || '80'));
        assert.ok(servicePort, `${where}: ${name}=${url}: Service ${parsed.hostname} has no port ${parsed.port || '80'}`);
      }
    }

    const readiness = container.readinessProbe?.httpGet;
    const liveness = container.livenessProbe?.httpGet;
    assert.ok(readiness && liveness, `${where}: an httpGet readinessProbe and livenessProbe`);
    assert.equal(readiness.path, READY_PATH, `${where}: the readinessProbe asks ${readiness.path}; the service's readiness endpoint is ${READY_PATH}`);
    assert.equal(liveness.path, HEALTH_PATH, `${where}: the livenessProbe asks ${liveness.path}; the service's health endpoint is ${HEALTH_PATH}`);
    for (const [kind, probe] of [['readinessProbe', readiness], ['livenessProbe', liveness]] as const) {
      assert.equal(resolvePort(container, probe.port), port, `${where}: the ${kind}'s port ${String(probe.port)} is not the port the service listens on (${port})`);
    }
    const requests = container.resources?.requests ?? {};
    assert.ok(requests.cpu && requests.memory, `${where}: resources.requests.cpu and .memory (the scheduler places Pods by them)`);
    assert.ok(container.resources?.limits?.memory, `${where}: resources.limits.memory`);
    const graceS = d.template.spec?.terminationGracePeriodSeconds ?? 30;
    const drainMs = Number(env.SHUTDOWN_GRACE_MS ?? '10000');
    assert.ok(graceS * 1000 > drainMs, `${where}: terminationGracePeriodSeconds ${graceS} s is not longer than SHUTDOWN_GRACE_MS ${drainMs} ms: the kubelet would kill a draining Pod`);

    podEnvs.set(service, env);
  });
}

test('k8s: each service, started with its Pod\'s environment, answers both probes', { timeout: 30_000 }, async () => {
  assert.equal(podEnvs.size, DEPLOYED.length, 'some Deployments failed their checks above');
  await Promise.all(
    [...podEnvs].map(async ([service, env]) => {
      const statuses = await statusesWithEnv(service, env, [READY_PATH, HEALTH_PATH]);
      assert.deepEqual(statuses, { [READY_PATH]: 200, [HEALTH_PATH]: 200 }, `${service} started with its Pod's environment should answer both probes`);
    }),
  );
});

test('k8s: each Service selects exactly its own Deployment\'s Pods, on a real container port', () => {
  const { of } = load();
  for (const service of of('Service')) {
    const where = `${service.file}: Service ${service.name}`;
    const s = spec<ServiceSpec>(service);
    const selected = of('Deployment').filter((d) => matches(s.selector ?? {}, spec<DeploymentSpec>(d).template.metadata?.labels));
    assert.ok(selected.length > 0, `${where}: selector ${JSON.stringify(s.selector)} matches no Deployment's Pod labels: it would have no endpoints`);
    assert.deepEqual(selected.map((d) => d.name), [service.name], `${where}: selector ${JSON.stringify(s.selector)} selects the Pods of ${selected.map((d) => d.name).join(', ')}`);
    const container = spec<DeploymentSpec>(selected[0]!).template.spec!.containers[0]!;
    for (const port of s.ports ?? []) {
      assert.ok(resolvePort(container, port.targetPort ?? port.port) !== undefined, `${where}: port ${port.port} targets ${String(port.targetPort ?? port.port)}, which no containerPort of ${selected[0]!.name} is`);
    }
  }
});

test('k8s: autoscalers scale stateless Deployments on CPU that the Pods request', () => {
  const { of } = load();
  const hpas = of('HorizontalPodAutoscaler');
  for (const service of DEPLOYED.filter((s) => !STATEFUL.includes(s))) {
    assert.ok(hpas.some((h) => (h.object.spec as { scaleTargetRef?: { name?: string } }).scaleTargetRef?.name === service), `${service} is stateless: give it a HorizontalPodAutoscaler`);
  }
  for (const hpa of hpas) {
    const where = `${hpa.file}: HorizontalPodAutoscaler ${hpa.name}`;
    const h = hpa.object.spec as {
      scaleTargetRef: { apiVersion?: string; kind: string; name: string };
      minReplicas?: number;
      maxReplicas: number;
      metrics?: { type: string; resource?: { name: string } }[];
    };
    assert.equal(h.scaleTargetRef.kind, 'Deployment', where);
    assert.equal(h.scaleTargetRef.apiVersion, 'apps/v1', where);
    const target = of('Deployment').find((d) => d.name === h.scaleTargetRef.name);
    assert.ok(target, `${where}: scales Deployment ${h.scaleTargetRef.name}, which no manifest defines`);
    assert.ok(!STATEFUL.includes(target.name as ServiceName), `${where}: ${target.name} keeps its state in memory; it cannot scale out`);
    assert.ok((h.minReplicas ?? 1) >= 2 && (h.minReplicas ?? 1) <= h.maxReplicas, `${where}: 2 ≤ minReplicas ≤ maxReplicas`);
    if ((h.metrics ?? []).some((m) => m.type === 'Resource' && m.resource?.name === 'cpu')) {
      const containers = spec<DeploymentSpec>(target).template.spec?.containers ?? [];
      assert.ok(containers.every((c) => c.resources?.requests?.cpu), `${where}: CPU utilisation is measured against requests.cpu; ${target.name} must request CPU`);
    }
  }
});

test('the shop on a local cluster: applied (server-side dry run, then for real) in a throwaway namespace, rolled out, and serving through a deleted catalog Pod', { timeout: 900_000 }, async (t) => {
  const { of } = load();
  const cluster = clusterContext();
  if ('absent' in cluster) {
    t.skip(cluster.absent);
    return;
  }
  const noEngine = await engineAbsence();
  if (noEngine !== undefined) {
    t.skip(`unverified: ${cluster.context} answers, but the images cannot be built (${noEngine})`);
    return;
  }
  for (const deployment of of('Deployment')) {
    const image = spec<DeploymentSpec>(deployment).template.spec?.containers[0]?.image;
    assert.ok(image, `${deployment.file}: Deployment ${deployment.name} names no image`);
    await buildAndLoad(cluster.context, deployment.name as ServiceName, image);
  }
  const namespace = new ThrowawayNamespace();
  namespace.create();
  try {
    namespace.apply(files);
    for (const deployment of of('Deployment')) {
      // A rollout completes only when the new Pods pass their readiness probes: the probes, run by the kubelet.
      namespace.rollout(deployment.name, 180);
    }
    const gateway = of('Service').find((s) => s.name === 'gateway')!;
    const forward = await namespace.portForward('gateway', spec<ServiceSpec>(gateway).ports?.[0]?.port ?? 80);
    try {
      let deletedAt = Infinity;
      const samples = await runLoad({
        url: () => `${forward.url}/products`,
        concurrency: 4,
        maxRequests: 600,
        onAnswer: (_, answered) => {
          if (answered === 100) {
            deletedAt = performance.now();
            namespace.deletePod(namespace.firstPod('catalog'));
          }
        },
      });
      const after = samples.filter((s) => s.start >= deletedAt);
      const budget = Math.ceil(after.length * 0.01);
      t.diagnostic(formatFigures(`through the gateway on ${cluster.context}, after a catalog Pod was deleted`, figures(after)));
      assert.ok(after.length > 0, 'no request after the Pod was deleted');
      assert.ok(after.filter(failed).length <= budget, `${after.filter(failed).length} of ${after.length} requests failed after a catalog Pod was deleted (budget ${budget})`);
    } finally {
      forward.stop();
    }
  } finally {
    namespace.remove();
  }
});
