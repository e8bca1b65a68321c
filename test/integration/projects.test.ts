// Scaffolding and checking in the real VS Code, with the fixture template of
// test/fixtures/projects (milestone 2's tests fail on purpose, the others pass).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CheckOutcome } from '../../src/core/check/outcome';
import type { RoadmapApi } from '../../src/extension';
import type { ScaffoldResult } from '../../src/projects/scaffold';
import { activatedApi, answeringWarnings, replacing } from './helpers';

const decoder = new TextDecoder();

/** A milestone's node in the tree (under step 6 and its project), with the provider that shows it. */
function milestoneNode(api: RoadmapApi, key: string) {
  const provider = api.tree.treeProvider;
  const milestone = provider
    ?.getChildren(provider.getChildren().find((node) => node.id === 'step/projects'))
    .flatMap((node) => provider.getChildren(node))
    .find((node) => node.id === `milestone/${key}`);
  assert.ok(provider && milestone, `no tree node for milestone ${key}`);
  return { provider, milestone };
}

describe('Step-6 projects in a real VS Code', function () {
  this.timeout(120_000);
  let api: RoadmapApi;
  let folder: vscode.Uri;

  before(async () => {
    api = await activatedApi();
    const workspace = vscode.workspace.workspaceFolders?.[0];
    assert.ok(workspace, 'the integration tests need an open folder');
    folder = vscode.Uri.joinPath(workspace.uri, 'my-db');
    // A file of the learner's, there before scaffolding: it must survive untouched.
    await vscode.workspace.fs.createDirectory(folder);
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'README.md'), new TextEncoder().encode('my own notes\n'));
  });

  it('scaffolds a project into the workspace without touching a file that was there', async () => {
    const result = await vscode.commands.executeCommand<ScaffoldResult | undefined>('dsRoadmap.scaffoldProject', 'fault-tolerant-db', {
      folder,
      onConflict: 'skip-existing',
    });
    assert.ok(result, 'scaffolding was cancelled or failed');
    assert.deepEqual(result.skipped, ['README.md']);
    assert.ok(result.written.includes('test/m1.test.mjs'));
    assert.equal(decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, 'README.md'))), 'my own notes\n');
    const pkg = decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, 'package.json')));
    assert.match(pkg, /"name": "my-db"/);
    assert.ok(api.roadmap.ok);
    assert.equal(api.roadmap.projects.scaffold('fault-tolerant-db')?.folder, folder.toString());
  });

  it('shows the project as scaffolded in the tree, with its seven milestones', () => {
    const provider = api.tree.treeProvider;
    assert.ok(provider);
    const step = provider.getChildren().find((node) => node.id === 'step/projects');
    assert.ok(step);
    const project = provider.getChildren(step).find((node) => node.id === 'project/fault-tolerant-db');
    assert.ok(project);
    // The project's hours are the sum of its milestones' (curriculum/roadmap.yaml).
    assert.match(String(provider.getTreeItem(project).description), /^about \d+ h · scaffolded · 0\/7 verified$/);
    assert.equal(provider.getChildren(project).length, 7);
  });

  it('checks a milestone whose tests pass: verified, with its evidence, in the store and the tree', async () => {
    // The learner's project is a git repository: the evidence names the commit that passed.
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=Learner', '-c', 'user.email=learner@example.com', ...args], { cwd: folder.fsPath, encoding: 'utf8' }).trim();
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'scaffolded');
    const head = git('rev-parse', '--short=12', 'HEAD');
    const outcome = await vscode.commands.executeCommand<CheckOutcome | undefined>('dsRoadmap.checkMilestone', 'fault-tolerant-db/single-node-wal');
    assert.deepEqual(outcome, { kind: 'passed', tests: 1, skipped: 0 });
    assert.ok(api.roadmap.ok);
    const record = api.roadmap.progress.get('fault-tolerant-db/single-node-wal');
    assert.equal(record?.state, 'done');
    assert.equal(record?.origin, 'verified');
    assert.equal(record?.evidence?.tests, 1);
    assert.match(String(record?.evidence?.node), /^v\d+/);
    assert.equal(record?.evidence?.commit, head);
    const { provider, milestone } = milestoneNode(api, 'fault-tolerant-db/single-node-wal');
    assert.match(String(provider.getTreeItem(milestone).description), /^\d+ h · verified \d{4}-\d{2}-\d{2}$/);
  });

  it('checks a milestone whose tests fail: names the failing test and keeps it unverified', async () => {
    const outcome = await vscode.commands.executeCommand<CheckOutcome | undefined>('dsRoadmap.checkMilestone', {
      project: 'fault-tolerant-db',
      milestone: 'consistent-hashing',
    });
    assert.ok(outcome?.kind === 'failed', JSON.stringify(outcome));
    assert.equal(outcome.tests, 3);
    assert.equal(outcome.failed, 1);
    assert.deepEqual(outcome.failures, ['keys are balanced across shards: largest shard holds 3x the smallest']);
    assert.ok(api.roadmap.ok);
    assert.equal(api.roadmap.progress.isDone('fault-tolerant-db/consistent-hashing'), false);
    assert.equal(api.roadmap.projects.lastCheck('fault-tolerant-db/consistent-hashing')?.outcome, 'failed');
    // The earlier milestone's verification is kept.
    assert.equal(api.roadmap.progress.get('fault-tolerant-db/single-node-wal')?.origin, 'verified');
    const { provider, milestone } = milestoneNode(api, 'fault-tolerant-db/consistent-hashing');
    const item = provider.getTreeItem(milestone);
    assert.match(String(item.description), /^\d+ h · failing/);
    assert.match(typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? ''), /keys are balanced across shards/);
  });

  it('checks a milestone with a test that did not run: unverified, not done, with the reason in the tree', async () => {
    // Milestone 3 of the fixture has a live test that skips itself ("no cluster here"); milestone 2 is made to pass.
    const flag = vscode.Uri.joinPath(folder, 'balanced.flag');
    await vscode.workspace.fs.writeFile(flag, new Uint8Array());
    try {
      const outcome = await vscode.commands.executeCommand<CheckOutcome | undefined>('dsRoadmap.checkMilestone', 'fault-tolerant-db/replication');
      assert.deepEqual(outcome, { kind: 'unverified', tests: 5, skipped: 1, reasons: ['milestone 3 against a live cluster: no cluster here'] });
    } finally {
      await vscode.workspace.fs.delete(flag);
    }
    assert.ok(api.roadmap.ok);
    assert.equal(api.roadmap.progress.isDone('fault-tolerant-db/replication'), false, 'a skipped test is never evidence');
    const check = api.roadmap.projects.lastCheck('fault-tolerant-db/replication');
    assert.equal(check?.outcome, 'unverified');
    assert.deepEqual(check?.notRun, ['milestone 3 against a live cluster: no cluster here']);
    const { provider, milestone } = milestoneNode(api, 'fault-tolerant-db/replication');
    const item = provider.getTreeItem(milestone);
    assert.match(String(item.description), /^\d+ h · unverified$/);
    assert.match(typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? ''), /- milestone 3 against a live cluster: no cluster here/);
  });

  it('refuses a second check of a milestone while the first runs, and records one honest outcome', async () => {
    assert.ok(api.roadmap.ok);
    const slow = vscode.Uri.joinPath(folder, 'slow.flag');
    await vscode.workspace.fs.writeFile(slow, new Uint8Array());
    try {
      const { result, prompts } = await answeringWarnings(undefined, () => {
        const first = vscode.commands.executeCommand<CheckOutcome | undefined>('dsRoadmap.checkMilestone', 'fault-tolerant-db/single-node-wal');
        const second = vscode.commands.executeCommand<CheckOutcome | undefined>('dsRoadmap.checkMilestone', 'fault-tolerant-db/single-node-wal');
        return Promise.all([first, second]);
      });
      assert.deepEqual(result, [{ kind: 'passed', tests: 1, skipped: 0 }, undefined]);
      assert.deepEqual(prompts, ['"A single node with a write-ahead log" is being checked already; its result shows when that run ends.']);
      assert.equal(api.roadmap.projects.lastCheck('fault-tolerant-db/single-node-wal')?.outcome, 'passed');
    } finally {
      await vscode.workspace.fs.delete(slow);
    }
  });

  it('follows a run that Restart Task started again to its own end, and leaves no report behind', async () => {
    assert.ok(api.roadmap.ok);
    const slow = vscode.Uri.joinPath(folder, 'slow.flag');
    await vscode.workspace.fs.writeFile(slow, new Uint8Array());
    const restarted: vscode.TaskExecution[] = [];
    let report: string | undefined;
    // As Restart Task does: the running process is terminated, then the same task is run again.
    const restart = vscode.tasks.onDidStartTaskProcess(async (event) => {
      if (event.execution.task.definition.type !== 'dsRoadmap.check' || restarted.length > 0) {
        return;
      }
      restarted.push(event.execution);
      const execution = event.execution.task.execution as vscode.ProcessExecution;
      report = execution.args.find((arg) => arg.startsWith('--test-reporter-destination=') && !arg.endsWith('=stdout'))?.split('=')[1];
      await new Promise((resolve) => setTimeout(resolve, 500));
      const ended = new Promise((resolve) => {
        const listener = vscode.tasks.onDidEndTaskProcess((end) => {
          if (end.execution === event.execution) {
            listener.dispose();
            resolve(undefined);
          }
        });
      });
      event.execution.terminate();
      await ended;
      await vscode.workspace.fs.delete(slow); // the run started again is quick
      await vscode.tasks.executeTask(event.execution.task);
    });
    try {
      const outcome = await vscode.commands.executeCommand<CheckOutcome | undefined>('dsRoadmap.checkMilestone', 'fault-tolerant-db/single-node-wal');
      assert.equal(restarted.length, 1, 'the run was not restarted');
      assert.deepEqual(outcome, { kind: 'passed', tests: 1, skipped: 0 });
      assert.equal(api.roadmap.projects.lastCheck('fault-tolerant-db/single-node-wal')?.outcome, 'passed');
      assert.ok(report, 'no TAP report path in the task');
      assert.equal(existsSync(report), false, `${report} was left behind`);
    } finally {
      restart.dispose();
      await vscode.workspace.fs.delete(slow).then(undefined, () => undefined);
    }
  });

  it("ignores a node path set by the workspace: only the learner's own setting chooses what runs", async () => {
    const workspace = vscode.workspace.workspaceFolders?.[0];
    assert.ok(workspace);
    const settings = vscode.Uri.joinPath(workspace.uri, '.vscode', 'settings.json');
    const fake = vscode.Uri.joinPath(folder, '..', 'planted-node.sh');
    await vscode.workspace.fs.writeFile(fake, new TextEncoder().encode(`#!/bin/sh\ntouch "${fake.fsPath}.ran"\necho v99.0.0\n`));
    chmodSync(fake.fsPath, 0o755);
    await vscode.workspace.fs.writeFile(settings, new TextEncoder().encode(JSON.stringify({ 'dsRoadmap.nodePath': fake.fsPath })));
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // the settings file is read
      const outcome = await vscode.commands.executeCommand<CheckOutcome | undefined>('dsRoadmap.checkMilestone', 'fault-tolerant-db/single-node-wal');
      assert.deepEqual(outcome, { kind: 'passed', tests: 1, skipped: 0 });
      assert.equal(existsSync(`${fake.fsPath}.ran`), false, "the workspace's executable ran");
    } finally {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(settings, '..'), { recursive: true });
    }
  });

  /** Runs a check with dsRoadmap.nodePath set to `node`, returning what the learner was shown. */
  async function checkWithNode(node: string): Promise<{ outcome: unknown; errors: string[] }> {
    const settings = vscode.workspace.getConfiguration('dsRoadmap');
    const before = settings.inspect<string>('nodePath')?.globalValue;
    await settings.update('nodePath', node, vscode.ConfigurationTarget.Global);
    try {
      return await replacing(
        vscode.window,
        'showErrorMessage',
        () => undefined,
        async (calls) => {
          const outcome = await vscode.commands.executeCommand('dsRoadmap.checkMilestone', 'fault-tolerant-db/single-node-wal');
          return { outcome, errors: calls.map((args) => String(args[0])) };
        },
      );
    } finally {
      await settings.update('nodePath', before, vscode.ConfigurationTarget.Global);
    }
  }

  it('refuses a Node.js older than the template needs, naming it and the version, and records nothing', async () => {
    const fake = vscode.Uri.joinPath(folder, '..', 'old-node.sh');
    await vscode.workspace.fs.writeFile(fake, new TextEncoder().encode('#!/bin/sh\necho v16.20.2\n'));
    chmodSync(fake.fsPath, 0o755);
    const checked = api.roadmap.ok ? api.roadmap.projects.lastCheck('fault-tolerant-db/single-node-wal') : undefined;
    const { outcome, errors } = await checkWithNode(fake.fsPath);
    assert.equal(outcome, undefined);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.match(errors[0] ?? '', /needs Node\.js 18\.0\.0 or later/);
    assert.ok(errors[0]?.includes(`"${fake.fsPath}" is Node.js v16.20.2`), errors[0]);
    assert.ok(api.roadmap.ok);
    assert.deepEqual(api.roadmap.projects.lastCheck('fault-tolerant-db/single-node-wal'), checked, 'a refused check is not a check');
    assert.equal(api.roadmap.progress.get('fault-tolerant-db/single-node-wal')?.origin, 'verified');
  });

  it('says how to fix a Node.js path that does not run', async () => {
    const missing = vscode.Uri.joinPath(folder, '..', 'no-such-node').fsPath;
    const { outcome, errors } = await checkWithNode(missing);
    assert.equal(outcome, undefined);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.ok(errors[0]?.startsWith(`Node.js could not be run as "${missing}"`), errors[0]);
    assert.match(errors[0] ?? '', /set dsRoadmap\.nodePath to its executable/);
  });
});

describe('A shipped template in a real VS Code', function () {
  this.timeout(180_000);

  it('scaffolds the file-sharing starter and checks milestone 1, which fails with its TODO', async () => {
    const workspace = vscode.workspace.workspaceFolders?.[0];
    assert.ok(workspace);
    const folder = vscode.Uri.joinPath(workspace.uri, 'file-sharing');
    const result = await vscode.commands.executeCommand<ScaffoldResult | undefined>('dsRoadmap.scaffoldProject', 'file-sharing', { folder });
    assert.ok(result);
    assert.deepEqual(result.skipped, []);
    assert.ok(result.written.includes('test/m1-chunking-manifests.test.ts'));
    const outcome = await vscode.commands.executeCommand<CheckOutcome | undefined>('dsRoadmap.checkMilestone', 'file-sharing/chunking-manifests');
    assert.ok(outcome?.kind === 'failed', JSON.stringify(outcome));
    assert.ok(
      outcome.failures.some((failure) => failure.includes('TODO(milestone 1)')),
      outcome.failures.join('\n'),
    );
  });

  it('scaffolds the microservices starter, deployment skeletons included, and checks milestone 1, which fails with its TODO', async () => {
    const workspace = vscode.workspace.workspaceFolders?.[0];
    assert.ok(workspace);
    const folder = vscode.Uri.joinPath(workspace.uri, 'microservices');
    const result = await vscode.commands.executeCommand<ScaffoldResult | undefined>('dsRoadmap.scaffoldProject', 'microservices', { folder });
    assert.ok(result);
    assert.deepEqual(result.skipped, []);
    for (const file of [
      'test/m1-service-done-right.test.ts',
      'docker/gateway.Dockerfile',
      'compose.yaml',
      'k8s/catalog.yaml',
      '.dockerignore',
      'docs/architecture.svg',
    ]) {
      assert.ok(result.written.includes(file), `${file} was not scaffolded`);
    }
    const outcome = await vscode.commands.executeCommand<CheckOutcome | undefined>('dsRoadmap.checkMilestone', 'microservices/service-done-right');
    assert.ok(outcome?.kind === 'failed', JSON.stringify(outcome));
    assert.ok(
      outcome.failures.some((failure) => failure.includes('TODO(milestone 1)')),
      outcome.failures.join('\n'),
    );
  });
});
