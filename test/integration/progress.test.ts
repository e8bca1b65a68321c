// Progress commands in a real VS Code: export (JSON and Markdown), import (merge, skips, a broken
// file named at its line) and reset of one step, topic or project with Undo in the notification.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RoadmapNode } from '../../src/core/roadmap/treeModel';
import type { RoadmapApi } from '../../src/extension';
import { activatedApi, answeringWarnings, eventually, replacing } from './helpers';

function stepNode(api: RoadmapApi, stepId: string): RoadmapNode {
  const node = api.views.treeProvider?.getChildren().find((n) => n.id === `step/${stepId}`);
  assert.ok(node, `no tree node for step ${stepId}`);
  return node;
}

function childNode(api: RoadmapApi, parent: RoadmapNode, id: string): RoadmapNode {
  const node = api.views.treeProvider?.getChildren(parent).find((n) => n.id === id);
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
    const saved = await replacing(vscode.window, 'showSaveDialog', () => target, () => vscode.commands.executeCommand('dsRoadmap.exportProgress', 'json'));
    assert.equal((saved as vscode.Uri).fsPath, target.fsPath);
    const backup = JSON.parse(readFileSync(target.fsPath, 'utf8')) as { format: string; records: Record<string, { state: string; stamp: string }> };
    assert.equal(backup.format, 'ds-roadmap-progress');
    assert.equal(backup.records.networks.state, 'done');
    assert.match(backup.records.networks.stamp, /^\d{13}-\d{6}-/);
  });

  it('exports a Markdown report naming the steps and what is done', async () => {
    await vscode.commands.executeCommand('dsRoadmap.markStepComplete', 'scalability');
    const target = vscode.Uri.file(join(dir, 'report.md'));
    await replacing(vscode.window, 'showSaveDialog', () => target, () => vscode.commands.executeCommand('dsRoadmap.exportProgress', 'markdown'));
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

  it('refuses a broken backup, naming the file and line, and changes nothing', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{\n  "version": 3,\n  "records": {\n    "networks": oops\n  }\n}\n');
    await replacing(vscode.window, 'showErrorMessage', () => undefined, async (calls) => {
      await vscode.commands.executeCommand('dsRoadmap.importProgress', vscode.Uri.file(file));
      assert.equal(calls.length, 1);
      assert.match(String(calls[0][0]), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4:\\d+ is not valid JSON`));
    });
    assert.ok(!progress().isDone('networks'));
  });

  it('resets one step with everything inside it, and Undo in the notification puts it back', async () => {
    const fundamentals = stepNode(api, 'fundamentals');
    const topic = (api.views.treeProvider?.getChildren(fundamentals) ?? []).find((n) => n.kind === 'topic');
    assert.ok(topic && topic.kind === 'topic');
    await vscode.commands.executeCommand('dsRoadmap.markTopicComplete', topic.topic.id);
    await vscode.commands.executeCommand('dsRoadmap.markStepComplete', 'networks');
    assert.ok(progress().isDone(topic.topic.id));
    const before = progress().get(topic.topic.id);

    await replacing(vscode.window, 'showInformationMessage', () => 'Undo', async (notifications) => {
      const { prompts } = await answeringWarnings('Reset', () => vscode.commands.executeCommand('dsRoadmap.resetProgress', fundamentals));
      assert.match(prompts[0], /Reset the progress of ".+"\?/);
      await eventually('the reset is undone', () => progress().isDone(topic.topic.id));
      assert.match(String(notifications[0]?.[0]), /Reset 1 completed item\(s\)\./);
    });
    assert.deepEqual(progress().get(topic.topic.id), before);
    assert.ok(progress().isDone('networks'), 'a step outside the reset was touched');
  });

  it('resets one topic only, keeping the rest, when Undo is not chosen', async () => {
    const fundamentals = stepNode(api, 'fundamentals');
    const topics = (api.views.treeProvider?.getChildren(fundamentals) ?? []).filter((n) => n.kind === 'topic');
    const [first, second] = topics;
    assert.ok(first?.kind === 'topic' && second?.kind === 'topic');
    await vscode.commands.executeCommand('dsRoadmap.markTopicComplete', first.topic.id);
    await vscode.commands.executeCommand('dsRoadmap.markTopicComplete', second.topic.id);
    await replacing(vscode.window, 'showInformationMessage', () => undefined, async () => {
      await answeringWarnings('Reset', () => vscode.commands.executeCommand('dsRoadmap.resetProgress', childNode(api, fundamentals, first.id)));
    });
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

    // A pull brings a newer record from another machine: it lands in the store.
    const pulled = { ...written, records: { ...written.records, raft: undefined, networks: { state: 'done', at: '2030-01-01T00:00:00.000Z', origin: 'self-reported', stamp: '1893456000000-000000-elsewhere' } } };
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify(pulled, undefined, 2)));
    assert.ok(api.roadmap.ok);
    const progress = api.roadmap.progress;
    await eventually('the pulled record lands', () => progress.isDone('networks'), 10_000);
    // ...and the union is written back (the mirror's own layout ends with a newline).
    await eventually('the file is written back', async () => ((await fileText()) ?? '').endsWith('}\n'), 10_000);
  });

  it('leaves a broken file as it is and says where it breaks', async () => {
    const broken = '{\n  "version": 3,\n  "records": {\n    "networks": nope\n  }\n}\n';
    await replacing(vscode.window, 'showWarningMessage', () => undefined, async (warnings) => {
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(broken));
      await eventually('the learner is told', () => warnings.length > 0, 10_000);
      assert.match(String(warnings[0][0]), /\.roadmap\/progress\.json:4:17 is not valid JSON \(unexpected "n"\)\. Fix it, or delete it/);
      await vscode.commands.executeCommand('dsRoadmap.markStepComplete', 'scalability');
      await new Promise((resolve) => setTimeout(resolve, 600));
    });
    assert.equal(await fileText(), broken);
  });
});
