// Milestone 6: containers. Without a Docker engine, each Dockerfile is parsed and held to the rules
// of a good image (multi-stage, small base, non-root, HEALTHCHECK with a program the base has, the
// code in the final stage, the right CMD); the compose file is validated against the Compose
// Specification's schema; then both are checked against the code: ports, health paths and
// environment variables must be ones the services really have. With an engine, the last test builds
// the images and runs the shop in containers (harness/docker.ts: with Docker Compose when this
// machine has it, else plain docker commands); without one it is skipped, and a skipped test is
// "unverified", never passed.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONFIG_SPECS, ENTRY_FILES, SERVICES, STATEFUL, type ServiceName } from '../src/config.ts';
import { HEALTH_PATH, READY_PATH } from '../src/lib/http.ts';
import { IMAGE, composeEnv, readCompose, readDockerfile, todoIn, valueProblem, type ComposeService, type Dockerfile, type Instruction } from '../harness/deploy.ts';
import { chooseRunner } from '../harness/compose.ts';
import { ContainerShop, engineAbsence, mustDocker, sweepStale } from '../harness/docker.ts';
import { failed, figures, formatFigures, runLoad } from '../harness/load.ts';
import { PROJECT_ROOT } from '../harness/processes.ts';
import { createRandom, seedFromEnv } from '../harness/random.ts';

const dockerfilePath = (service: ServiceName): string => `docker/${service}.Dockerfile`;
const FILES = [...SERVICES.map(dockerfilePath), 'compose.yaml'];
const SMALL_BASE = /(alpine|slim|distroless)/;
/**
 * The program a HEALTHCHECK names that its base does not have: the official node images and the
 * local stand-in have node but no curl; slim and distroless ones have no wget either (alpine has
 * busybox's). A program this list does not know is left to the live test to find.
 */
function missingProgram(base: string, healthcheck: string): string | undefined {
  if (/\bcurl\b/.test(healthcheck)) {
    return 'curl';
  }
  return /\bwget\b/.test(healthcheck) && !/alpine/.test(base) ? 'wget' : undefined;
}

/** How many of the checks above the live test failed: in a proof's bug run (ROADMAP_PROOF_FAST=1) the live test then has nothing to add. */
let staticFailures = 0;
/** A check that reads the files, counted in staticFailures when it fails. */
const staticTest = (name: string, body: () => void): void => {
  test(name, () => {
    try {
      body();
    } catch (error) {
      staticFailures++;
      throw error;
    }
  });
};

staticTest('the deployment files are written (no TODO(milestone 6) left)', () => {
  const todos = FILES.map(todoIn).filter((t) => t !== undefined);
  assert.deepEqual(todos, [], `still to do:\n${todos.join('\n')}`);
});

/** Stages that do something: a bare `FROM … AS x` builds nothing and does not make a file multi-stage. */
const workingStages = (file: Dockerfile) => file.stages.filter((stage) => stage.instructions.length > 0);

/** What the final stage of a Dockerfile says. */
function finalStage(file: Dockerfile) {
  const stage = file.stages[file.stages.length - 1];
  assert.ok(stage, `${file.path}: no FROM`);
  const all = (keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
  const last = (keyword: string) => all(keyword).at(-1);
  const env: Record<string, string> = {};
  for (const instruction of all('ENV')) {
    for (const match of instruction.text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) {
      env[match[1] as string] = (match[2] as string).replace(/^"|"$/g, '');
    }
    const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=]+)$/.exec(instruction.text.trim());
    if (legacy) {
      env[legacy[1] as string] = (legacy[2] as string).trim();
    }
  }
  return { stage, all, last, env };
}

for (const service of SERVICES) {
  staticTest(`docker/${service}.Dockerfile: multi-stage, small, non-root, with a healthcheck that agrees with the code`, () => {
    const todo = todoIn(dockerfilePath(service));
    assert.equal(todo, undefined, todo);
    const file = readDockerfile(dockerfilePath(service));
    assert.deepEqual(file.problems, []);
    const working = workingStages(file).length;
    assert.ok(working >= 2, `${file.path}: ${working} stage(s) that do something (a FROM with no instruction after it builds nothing); use a build stage and a final stage (multi-stage)`);
    const { stage, all, last, env } = finalStage(file);
    assert.match(stage.from, SMALL_BASE, `${file.path}: the final stage is FROM ${stage.from}; use a small base (alpine, slim or distroless)`);
    const major = /node(?:js)?:?(\d+)/.exec(stage.from)?.[1];
    assert.ok(major !== undefined && Number(major) >= 22, `${file.path}: FROM ${stage.from}: Node 22.18 or later runs .ts files directly; name the version`);

    const user = last('USER')?.text.trim().split(':')[0];
    assert.ok(user !== undefined, `${file.path}: the final stage runs as root; add a USER`);
    assert.ok(user !== 'root' && user !== '0', `${file.path}: USER ${user} is root`);

    const copies = all('COPY').concat(all('ADD'));
    // The sources of each COPY or ADD (all its words but the last, options left out; the JSON form too).
    const sources = (copy: Instruction) => (copy.exec ?? copy.text.split(/\s+/).filter((w) => w !== '' && !w.startsWith('--'))).slice(0, -1);
    const copied = (what: RegExp) => copies.some((copy) => sources(copy).some((source) => what.test(source)));
    assert.ok(copied(/(^|\/)src\/?$/), `${file.path}: the final stage never copies src/ (COPY --from=<build stage> /app/src ./src): the image would have no code to run`);
    assert.ok(copied(/(^|\/)package(\*)?\.json$/), `${file.path}: the final stage never copies package.json, which tells node that src/ holds ES modules ("type": "module")`);
    for (const copy of copies) {
      assert.ok(!/(^|\s)node_modules\b/.test(copy.text), `${file.path}:${copy.line}: the services have no runtime dependency; do not copy node_modules into the final image`);
      assert.ok(!/^\s*(--\S+\s+)*\.\s+\S+\s*$/.test(copy.text) || /--from=/.test(copy.text), `${file.path}:${copy.line}: "COPY . …" in the final stage copies the whole project (tests, harness, lock files); copy what runs`);
    }

    for (const name of Object.keys(env)) {
      const spec = CONFIG_SPECS[service].find((v) => v.name === name);
      assert.ok(spec || name === 'NODE_ENV', `${file.path}: ENV ${name} is not read by ${service} (src/config.ts)`);
      if (spec) {
        assert.equal(valueProblem(spec, env[name] as string), undefined);
      }
    }
    assert.ok(env.PORT !== undefined, `${file.path}: set ENV PORT so that EXPOSE, HEALTHCHECK and the service agree`);
    const exposed = last('EXPOSE')?.text.trim().split(/\s+/).map((p) => p.split('/')[0]);
    assert.deepEqual(exposed, [env.PORT], `${file.path}: EXPOSE ${exposed?.join(' ') ?? '(none)'} but ENV PORT=${env.PORT}`);

    const healthcheck = last('HEALTHCHECK');
    assert.ok(healthcheck && !/^\s*NONE\b/i.test(healthcheck.text), `${file.path}: add a HEALTHCHECK`);
    const probe = /https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)(\/[A-Za-z0-9/_-]*)/.exec(healthcheck.text);
    assert.ok(probe, `${file.path}: the HEALTHCHECK should request http://127.0.0.1:<port><path>; it is: ${healthcheck.text}`);
    assert.equal(probe[1], env.PORT, `${file.path}: the HEALTHCHECK asks port ${probe[1]}, the service listens on ${env.PORT}`);
    assert.ok([HEALTH_PATH, READY_PATH].includes(probe[2] as string), `${file.path}: the HEALTHCHECK asks ${probe[2]}; the service answers ${HEALTH_PATH} and ${READY_PATH}`);
    const missing = missingProgram(stage.from, healthcheck.text);
    assert.equal(missing, undefined, `${file.path}: the HEALTHCHECK runs ${missing}, which ${stage.from} does not have, so the container never becomes healthy; use node (node -e "fetch(…)")`);

    const cmd = last('CMD') ?? last('ENTRYPOINT');
    assert.ok(cmd?.exec, `${file.path}: CMD in exec form (["node", "…"]) so that the process gets SIGTERM itself, not a shell`);
    assert.deepEqual(cmd.exec.slice(-2), ['node', ENTRY_FILES[service]].slice(-2), `${file.path}: CMD ${JSON.stringify(cmd.exec)}`);
    assert.ok(existsSync(join(PROJECT_ROOT, ENTRY_FILES[service])));
  });
}

staticTest('compose.yaml is valid Compose and agrees with the Dockerfiles and the code', () => {
  const todo = todoIn('compose.yaml');
  assert.equal(todo, undefined, todo);
  const { compose, problems } = readCompose('compose.yaml');
  assert.deepEqual(problems, [], 'compose.yaml does not follow the Compose Specification');
  const services = compose.services ?? {};
  assert.deepEqual(Object.keys(services).sort(), [...SERVICES].sort(), 'one compose service per service, named as in src/config.ts');
  const portOf = (name: string): string => {
    const service = name as ServiceName;
    const env = { ...finalStage(readDockerfile(dockerfilePath(service))).env, ...composeEnv(services[name] as ComposeService) };
    return env.PORT ?? '8080';
  };
  for (const [name, entry] of Object.entries(services) as [ServiceName, ComposeService][]) {
    const build = typeof entry.build === 'string' ? { context: entry.build } : entry.build;
    assert.ok(build, `${name}: build it (build: {context: ., dockerfile: ${dockerfilePath(name)}})`);
    assert.equal(build.dockerfile, dockerfilePath(name), `${name}: build.dockerfile`);
    assert.ok(['.', './'].includes(build.context ?? '.'), `${name}: the build context is the project root (the Dockerfiles copy package.json and src/)`);
    assert.match(entry.image ?? '', IMAGE(name), `${name}: name the image shop/${name}:<version> (Kubernetes will run the same)`);
    if (STATEFUL.includes(name)) {
      assert.ok((entry.deploy?.replicas ?? 1) === 1, `${name} keeps its state in memory: one replica`);
    }
    const env = composeEnv(entry);
    for (const [key, value] of Object.entries(env)) {
      const spec = CONFIG_SPECS[name].find((v) => v.name === key);
      assert.ok(spec, `${name}: environment ${key} is not read by ${name} (src/config.ts)`);
      assert.equal(valueProblem(spec, value), undefined);
    }
    // Every URL must name a compose service at the port it listens on.
    for (const [key, value] of Object.entries(env).filter(([k]) => k.endsWith('_URL'))) {
      for (const url of value.split(',')) {
        const parsed = new URL(url.trim());
        assert.ok(parsed.hostname in services, `${name}: ${key}=${url}: no compose service named ${parsed.hostname}`);
        assert.equal(parsed.port || '80', portOf(parsed.hostname), `${name}: ${key}=${url}, but ${parsed.hostname} listens on ${portOf(parsed.hostname)}`);
        if (key === 'PUBLIC_URL') {
          assert.equal(parsed.hostname, name, `${name}: PUBLIC_URL must name ${name} itself`);
        }
      }
    }
    if (env.REGISTRY_URL) {
      assert.ok(env.PUBLIC_URL, `${name} registers: set PUBLIC_URL to its address on the compose network (the default, 127.0.0.1, is its own container)`);
      const depends = entry.depends_on;
      const onRegistry = Array.isArray(depends) ? undefined : depends?.registry;
      assert.equal(onRegistry?.condition, 'service_healthy', `${name}: depends_on registry with condition service_healthy (it registers at start)`);
    }
    if (name === 'gateway') {
      const published = (entry.ports ?? []).map((p) => (typeof p === 'object' ? String(p.target) : String(p).split(':').at(-1)?.split('/')[0]));
      assert.ok(published.includes(portOf(name)), `gateway: publish its port ${portOf(name)} (ports: ["8080:${portOf(name)}"])`);
    } else {
      assert.deepEqual(entry.ports ?? [], [], `${name}: only the gateway is published on the host`);
    }
  }
  assert.ok(['catalog', 'orders', 'gateway'].every((name) => composeEnv(services[name] as ComposeService).REGISTRY_URL || composeEnv(services[name] as ComposeService)[`${name === 'gateway' ? 'CATALOG' : 'INVENTORY'}_URL`]), 'callers need REGISTRY_URL or the URLs of the services they call');
});

// The shop in real containers. Bounded everywhere: each build by 10 minutes, each wait for health
// by HEALTHY_WITHIN_MS, the load by a request cap and 30 s after the kill; everything it made is
// removed in `finally`, and what an earlier run killed midway left is removed first.
const HEALTHY_WITHIN_MS = 120_000;
const random = createRandom(seedFromEnv(), 'm6');

test('the shop runs in containers: built from your Dockerfiles, every container healthy, load through the gateway survives a SIGKILLed catalog, no process runs as root', async (t) => {
  const todos = FILES.map(todoIn).filter((todo) => todo !== undefined);
  assert.deepEqual(todos, [], `still to do:\n${todos.join('\n')}`);
  if (process.env.ROADMAP_PROOF_FAST === '1' && staticFailures > 0) {
    t.skip(`${staticFailures} check(s) of the files failed already; a proof's bug run stops there`);
    return;
  }
  const absent = await engineAbsence();
  // The roadmap's proof sets ROADMAP_REQUIRE_DOCKER=1 once it has an engine: a skip there would hide a run that never happened.
  assert.ok(absent === undefined || process.env.ROADMAP_REQUIRE_DOCKER !== '1', `ROADMAP_REQUIRE_DOCKER=1, but ${absent ?? ''}`);
  if (absent !== undefined) {
    t.skip(absent);
    return;
  }
  // Compose when this machine has it (ROADMAP_SHOP_RUNNER=compose|docker forces one), else plain docker commands.
  const runner = await chooseRunner();
  t.diagnostic(
    runner.kind === 'compose'
      ? `runner: compose (${runner.compose.program.join(' ')} ${runner.compose.version}) on a compose file derived from compose.yaml`
      : `runner: plain docker commands (${runner.why})`,
  );
  const began = performance.now();
  await sweepStale();
  const shop = new ContainerShop();
  try {
    for (const service of SERVICES) {
      await shop.build(service);
    }
    for (const build of shop.builds) {
      t.diagnostic(`image ${build.service}: built in ${build.seconds.toFixed(1)} s, ${(build.bytes / 1e6).toFixed(1)} MB`);
    }
    const starting = performance.now();
    await shop.start({ catalog: 2 }, HEALTHY_WITHIN_MS, runner);
    t.diagnostic(`${shop.containers.length} containers healthy ${((performance.now() - starting) / 1000).toFixed(1)} s after the first started`);

    for (const container of shop.containers) {
      const processes = await shop.processUids(container);
      assert.ok(processes.length > 0, `${container.name}: no process runs in the container`);
      for (const { uid, command } of processes) {
        assert.notEqual(uid, '0', `${container.name}: "${command}" runs as root (uid 0); the image's USER (or compose's user:) must be an unprivileged user`);
      }
    }

    const gateway = shop.containers.find((c) => c.service === 'gateway');
    assert.ok(gateway && gateway.ports.length > 0, 'compose.yaml publishes no gateway port');
    const url = `http://127.0.0.1:${await shop.publishedPort(gateway, gateway.ports[0] as string)}/products`;
    const catalogs = shop.containers.filter((c) => c.service === 'catalog');
    // Both catalogs registered and found by the gateway: each has answered through it at least once.
    const served = new Set<string>();
    const warmup = await runLoad({ url: () => url, concurrency: 2, maxRequests: 400, stop: () => served.size >= catalogs.length, onAnswer: (s) => void (s.instance && served.add(s.instance)) });
    assert.equal(served.size, catalogs.length, `through the gateway only ${[...served].join(', ') || 'no instance'} answered in ${warmup.length} requests; both catalog containers should (${formatFigures('warm-up', figures(warmup))})`);

    const victim = random.pick(catalogs);
    const killAfter = random.int(60, 100);
    let killedAt = Infinity;
    let killing: Promise<string> | undefined;
    let afterKill = 0;
    let quietSince = 0;
    const samples = await runLoad({
      url: () => url,
      concurrency: 4,
      maxRequests: 5000,
      // Until the gateway has stopped sending to the victim for 50 answers in a row, at least 200 requests after the kill.
      stop: () => (afterKill >= 200 && quietSince >= 50) || performance.now() > killedAt + 30_000,
      onAnswer: (sample, answered) => {
        if (sample.start > killedAt) {
          afterKill++;
          quietSince = failed(sample) ? 0 : quietSince + 1;
        }
        if (answered === killAfter) {
          killedAt = performance.now();
          killing = mustDocker(['kill', '--signal', 'KILL', victim.id]);
        }
      },
    });
    await killing;
    const before = samples.filter((s) => s.end < killedAt);
    const after = samples.filter((s) => s.start >= killedAt);
    // The error budget is zero: in flight or not, a call that the dead catalog cannot answer is a GET
    // the gateway retries on the other one (milestones 3 and 4). Measured: the reference fails none
    // of about 200 requests after the kill, a gateway that does not fail over fails about 1 %.
    const budget = 0;
    t.diagnostic(formatFigures('through the gateway before the SIGKILL', figures(before)));
    t.diagnostic(formatFigures(`after docker kill -s KILL ${victim.name}`, figures(after)));
    t.diagnostic(`error budget after the kill: ${after.filter(failed).length} failed, ${budget} allowed`);
    const describe = (list: typeof samples): string => list.filter(failed).slice(0, 3).map((s) => `#${s.index} ${s.status} ${s.error ?? ''}`).join('; ');
    assert.equal(before.filter(failed).length, 0, `requests failed through the containers before the kill: ${describe(before)}`);
    assert.ok(after.length >= 200, `only ${after.length} requests in the 30 s after the kill: the load stalled`);
    assert.ok(after.filter(failed).length <= budget, `${after.filter(failed).length} of ${after.length} requests failed after a catalog container was SIGKILLed (budget ${budget}): ${describe(after)}`);
    assert.ok(quietSince >= 50, `the gateway still fails requests 30 s after the kill: a dead instance must be dropped (registry TTL) and a failed call retried on another: ${describe(after.slice(-50))}`);
  } finally {
    await shop.teardown();
    t.diagnostic(`the live container test took ${((performance.now() - began) / 1000).toFixed(1)} s, teardown included`);
  }
});
