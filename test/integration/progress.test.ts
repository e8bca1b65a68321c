// Progress commands in a real VS Code: export (JSON and Markdown), import (merge, skips, a broken
// file named at its line) and reset of one step, topic or project with Undo in the notification.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { StampedRecord } from '../../src/core/progress/codec';
import { exportJson } from '../../src/core/progress/transfer';
import type { RoadmapNode } from '../../src/core/roadmap/treeModel';
import type { RoadmapApi } from '../../src/extension';
import { activatedApi, answeringWarnings, eventually, replacing } from './helpers';

function stepNode(api: RoadmapApi, stepId: string): RoadmapNode {
  const node = api.tree.treeProvider?.getChildren().find((n) => n.id === `step/${stepId}`);
  assert.ok(node, `no tree node for step ${stepId}`);
  return node;
}

function childNode(api: RoadmapApi, parent: RoadmapNode, id: string): RoadmapNode {
  const node = api.tree.treeProvider?.getChildren(parent).find((n) => n.id === id);
  assert.ok(node, `no tree node ${id} under ${parent.id}`);
  return node;
}

describe('Progress commands in a real VS Code', () => {
  let api: RoadmapApi;
  let dir: string;

  before(async () => {
    api = await activatedApi();
    dir = mkdtempSync(join(tmpdir(), 'ds-roadmap-progress-'));
  });

  beforeEach(async () => {
    await answeringWarnings('Reset', () => vscode.commands.executeCommand('dsRoadmap.resetProgress'));
  });

  function progress() {
    assert.ok(api.roadmap.ok);
    return api.roadmap.progress;
  }

  it('exports a JSON backup with every record and its stamp, where the learner saves it', async () => {
    await vscode.commands.executeCommand('dsRoadmap.markStepComplete', 'networks');
    const target = vscode.Uri.file(join(dir, 'backup.json'));
    const saved = await replacing(
      vscode.window,
      'showSaveDialog',
      () => target,
      () => vscode.commands.executeCommand('dsRoadmap.exportProgress', 'json'),
    );
    assert.equal((saved as vscode.Uri).fsPath, target.fsPath);
    const backup = JSON.parse(readFileSync(target.fsPath, 'utf8')) as { format: string; records: Record<string, { state: string; stamp: string }> };
    assert.equal(backup.format, 'ds-roadmap-progress');
    assert.equal(backup.records.networks.state, 'done');
    assert.match(backup.records.networks.stamp, /^\d{13}-\d{6}-/);
  });

  it('exports a Markdown report naming the steps and what is done', async () => {
    await vscode.commands.executeCommand('dsRoadmap.markStepComplete', 'scalability');
    const target = vscode.Uri.file(join(dir, 'report.md'));
    await replacing(
      vscode.window,
      'showSaveDialog',
      () => target,
      () => vscode.commands.executeCommand('dsRoadmap.exportProgress', 'markdown'),
    );
    const report = readFileSync(target.fsPath, 'utf8');
    assert.match(report, /^# .+: progress/);
    assert.match(report, /\| 4 \| [^|]+ \| \d{4}-\d{2}-\d{2} \|/);
  });

  it('imports a backup: newer records land, newer local ones stay, unknown items are reported', async () => {
    await vscode.commands.executeCommand('dsRoadmap.markStepComplete', 'fundamentals');
    const backup = {
      format: 'ds-roadmap-progress',
      version: 3,
      records: {
        // Older than the mark just made: the local record must win.
        fundamentals: { state: 'not-done', at: '2024-01-01T00:00:00.000Z', origin: 'self-reported', stamp: '1704067200000-000000-other' },
        // Not marked here: lands.
        'cloud-native': { state: 'done', at: '2025-05-05T00:00:00.000Z', origin: 'self-reported', stamp: '1746403200000-000000-other' },
        'no-such-topic': { state: 'done', at: '2025-05-05T00:00:00.000Z', origin: 'self-reported', stamp: '1746403200000-000001-other' },
      },
    };
    const file = join(dir, 'import.json');
    writeFileSync(file, JSON.stringify(backup));
    const { result, prompts } = await answeringWarnings(undefined, () =>
      vscode.commands.executeCommand<{ applied: string[]; keptLocal: string[]; skipped: string[] }>('dsRoadmap.importProgress', vscode.Uri.file(file)),
    );
    assert.deepEqual(result.applied, ['cloud-native']);
    assert.deepEqual(result.keptLocal, ['fundamentals']);
    assert.deepEqual(result.skipped, ['"no-such-topic" is not an item of this roadmap']);
    assert.ok(progress().isDone('fundamentals'));
    assert.ok(progress().isDone('cloud-native'));
    assert.equal(prompts.length, 1);
    assert.match(prompts[0], /Imported 1 record\(s\); kept 1 local record\(s\).*Skipped 1: "no-such-topic"/);
  });

  it('imports what an unsigned backup marks verified as marked done, and skips a record stamped far ahead', async () => {
    const now = Date.now();
    const backup = {
      format: 'ds-roadmap-progress',
      version: 3,
      records: {
        'file-sharing/chunking-manifests': {
          state: 'done',
          at: new Date(now).toISOString(),
          origin: 'verified',
          evidence: { tests: 40 },
          stamp: `${now}-000000-other`,
        },
        architectures: { state: 'done', at: new Date(now).toISOString(), origin: 'self-reported', stamp: '9999999999999-999999-other' },
      },
    };
    const file = join(dir, 'someone-elses.json');
    writeFileSync(file, JSON.stringify(backup));
    const { result, prompts } = await answeringWarnings(undefined, () =>
      vscode.commands.executeCommand<{ applied: string[]; skipped: string[]; unverified: string[] }>('dsRoadmap.importProgress', vscode.Uri.file(file)),
    );
    assert.deepEqual(result.applied, ['file-sharing/chunking-manifests']);
    assert.deepEqual(result.unverified, ['file-sharing/chunking-manifests']);
    assert.equal(result.skipped.length, 1);
    assert.match(result.skipped[0], /the record of "architectures" is stamped [0-9,]+ days ahead of this computer's clock/);
    assert.deepEqual(progress().get('file-sharing/chunking-manifests'), { state: 'done', at: new Date(now).toISOString(), origin: 'self-reported' });
    assert.ok(!progress().isDone('architectures'));
    assert.match(prompts[0] ?? '', /its 1 verified milestone\(s\) count as marked done/);
    // The learner's own backup keeps what it verified.
    const own = join(dir, 'own.json');
    await replacing(
      vscode.window,
      'showSaveDialog',
      () => vscode.Uri.file(own),
      () => vscode.commands.executeCommand('dsRoadmap.exportProgress', 'json'),
    );
    assert.match(readFileSync(own, 'utf8'), /"signature": "hmac-sha256:[0-9a-f]{64}"/);
  });

  it('refuses a broken backup, naming the file and line, and changes nothing', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{\n  "version": 3,\n  "records": {\n    "networks": oops\n  }\n}\n');
    await replacing(
      vscode.window,
      'showErrorMessage',
      () => undefined,
      async (calls) => {
        await vscode.commands.executeCommand('dsRoadmap.importProgress', vscode.Uri.file(file));
        assert.equal(calls.length, 1);
        assert.match(String(calls[0][0]), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4:\\d+ is not valid JSON`));
      },
    );
    assert.ok(!progress().isDone('networks'));
  });

  it('resets one step with everything inside it, and Undo in the notification puts it back', async () => {
    const fundamentals = stepNode(api, 'fundamentals');
    const topic = (api.tree.treeProvider?.getChildren(fundamentals) ?? []).find((n) => n.kind === 'topic');
    assert.ok(topic && topic.kind === 'topic');
    await vscode.commands.executeCommand('dsRoadmap.markTopicComplete', topic.topic.id);
    await vscode.commands.executeCommand('dsRoadmap.markStepComplete', 'networks');
    assert.ok(progress().isDone(topic.topic.id));
    const before = progress().get(topic.topic.id);

    await replacing(
      vscode.window,
      'showInformationMessage',
      () => 'Undo',
      async (notifications) => {
        const { prompts } = await answeringWarnings('Reset', () => vscode.commands.executeCommand('dsRoadmap.resetProgress', fundamentals));
        assert.match(prompts[0], /Reset the progress of ".+"\?/);
        await eventually('the reset is undone', () => progress().isDone(topic.topic.id));
        assert.match(String(notifications[0]?.[0]), /Reset 1 completed item\(s\)\./);
      },
    );
    assert.deepEqual(progress().get(topic.topic.id), before);
    assert.ok(progress().isDone('networks'), 'a step outside the reset was touched');
  });

  it('resets one topic only, keeping the rest, when Undo is not chosen', async () => {
    const fundamentals = stepNode(api, 'fundamentals');
    const topics = (api.tree.treeProvider?.getChildren(fundamentals) ?? []).filter((n) => n.kind === 'topic');
    const [first, second] = topics;
    assert.ok(first?.kind === 'topic' && second?.kind === 'topic');
    await vscode.commands.executeCommand('dsRoadmap.markTopicComplete', first.topic.id);
    await vscode.commands.executeCommand('dsRoadmap.markTopicComplete', second.topic.id);
    await replacing(
      vscode.window,
      'showInformationMessage',
      () => undefined,
      async () => {
        await answeringWarnings('Reset', () => vscode.commands.executeCommand('dsRoadmap.resetProgress', childNode(api, fundamentals, first.id)));
      },
    );
    assert.ok(!progress().isDone(first.topic.id));
    assert.ok(progress().isDone(second.topic.id));
    assert.equal(progress().get(first.topic.id)?.state, 'not-done');
  });
});

describe('Progress kept in the workspace (.roadmap/progress.json) in a real VS Code', () => {
  let api: RoadmapApi;
  let file: vscode.Uri;
  const config = () => vscode.workspace.getConfiguration();

  before(async () => {
    api = await activatedApi();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration tests need a workspace folder');
    file = vscode.Uri.joinPath(folder.uri, '.roadmap', 'progress.json');
    await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
  });

  after(async () => {
    await config().update('dsRoadmap.progress.keepInWorkspace', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(file, '..'), { recursive: true }).then(undefined, () => undefined);
  });

  async function fileText(): Promise<string | undefined> {
    return vscode.workspace.fs.readFile(file).then(
      (bytes) => new TextDecoder().decode(bytes),
      () => undefined,
    );
  }

  it('writes nothing until the setting is on, then keeps the file in step both ways', async () => {
    await vscode.commands.executeCommand('dsRoadmap.markStepComplete', 'cloud-native');
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(await fileText(), undefined, 'the file was written with the setting off');

    await config().update('dsRoadmap.progress.keepInWorkspace', true, vscode.ConfigurationTarget.Global);
    let text: string | undefined;
    await eventually('the file holds the marked step', async () => (text = await fileText())?.includes('"cloud-native"') === true, 10_000);
    const written = JSON.parse(text ?? '{}') as { records?: Record<string, { state: string }> };
    assert.equal(written.records?.['cloud-native']?.state, 'done');

    // A pull brings a newer record from another machine of the learner's (same synced key): it lands in the store.
    assert.ok(api.roadmap.ok);
    const progress = api.roadmap.progress;
    const networks: StampedRecord = { state: 'done', at: new Date().toISOString(), origin: 'self-reported', stamp: `${Date.now() + 60_000}-000000-elsewhere` };
    const pulled = exportJson(new Map([...progress.stampedEntries(), ['networks', networks]]), { signingKey: api.roadmap.signingKey });
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(pulled));
    await eventually('the pulled record lands', () => progress.isDone('networks'), 10_000);
    // ...and the union is written back (the mirror's own layout ends with a newline).
    await eventually('the file is written back', async () => ((await fileText()) ?? '').endsWith('}\n'), 10_000);
  });

  it('merges nothing from a file its roadmap did not write, offers to import it, and leaves it as it is', async () => {
    assert.ok(api.roadmap.ok);
    const progress = api.roadmap.progress;
    const before = JSON.stringify([...progress.stampedEntries()]);
    const forged = `${JSON.stringify(
      {
        format: 'ds-roadmap-progress',
        version: 3,
        records: {
          scalability: {
            state: 'done',
            at: new Date().toISOString(),
            origin: 'verified',
            evidence: { tests: 99 },
            stamp: `${Date.now() + 1000}-000000-cloned`,
          },
        },
        signature: 'hmac-sha256:' + '0'.repeat(64),
      },
      undefined,
      2,
    )}\n`;
    await replacing(
      vscode.window,
      'showWarningMessage',
      () => undefined,
      async (warnings) => {
        await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(forged));
        await eventually('the learner is told', () => warnings.length > 0, 10_000);
        assert.match(String(warnings[0][0]), /\.roadmap\/progress\.json would change 1 item\(s\) of your progress, but your roadmap did not write it/);
        assert.deepEqual(warnings[0].slice(1), ['Import…']);
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(JSON.stringify([...progress.stampedEntries()]), before, 'the file changed the progress');
    assert.equal(await fileText(), forged);
  });

  it('ignores the setting when only the workspace turns it on, whatever its file holds', async () => {
    await config().update('dsRoadmap.progress.keepInWorkspace', undefined, vscode.ConfigurationTarget.Global);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder && api.roadmap.ok);
    const progress = api.roadmap.progress;
    const settings = vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json');
    const hostile = `${JSON.stringify({ format: 'ds-roadmap-progress', version: 3, records: { 'processes-threads': { state: 'done', at: new Date().toISOString(), origin: 'verified', stamp: `${Date.now() + 1000}-000000-cloned` } } })}\n`;
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(hostile));
    const before = JSON.stringify([...progress.stampedEntries()]);
    await vscode.workspace.fs.writeFile(settings, new TextEncoder().encode('{ "dsRoadmap.progress.keepInWorkspace": true }\n'));
    try {
      await replacing(
        vscode.window,
        'showWarningMessage',
        () => undefined,
        async (warnings) => {
          await new Promise((resolve) => setTimeout(resolve, 2_000));
          await vscode.commands.executeCommand('dsRoadmap.markTopicComplete', 'introduction-goals'); // a change, which would sync the copy
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          assert.deepEqual(warnings, [], "the copy ran on the workspace's own setting");
        },
      );
      assert.equal(progress.isDone('processes-threads'), false);
      assert.equal(await fileText(), hostile);
      assert.notEqual(JSON.stringify([...progress.stampedEntries()]), before); // the learner's own change did land
    } finally {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(settings, '..'), { recursive: true });
    }
  });

  it('leaves a broken file as it is and says where it breaks', async () => {
    await config().update('dsRoadmap.progress.keepInWorkspace', true, vscode.ConfigurationTarget.Global);
    const broken = '{\n  "version": 3,\n  "records": {\n    "networks": nope\n  }\n}\n';
    await replacing(
      vscode.window,
      'showWarningMessage',
      () => undefined,
      async (warnings) => {
        await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(broken));
        await eventually('the learner is told', () => warnings.length > 0, 10_000);
        assert.match(String(warnings[0][0]), /\.roadmap\/progress\.json:4:17 is not valid JSON \(unexpected "n"\)\. Fix it, or delete it/);
        await vscode.commands.executeCommand('dsRoadmap.markStepComplete', 'scalability');
        await new Promise((resolve) => setTimeout(resolve, 600));
      },
    );
    assert.equal(await fileText(), broken);
  });
});
