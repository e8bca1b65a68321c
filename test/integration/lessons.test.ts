// Topics and lessons in the real VS Code: marking topics, opening a lesson in its webview.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RoadmapApi } from '../../src/extension';
import { activatedApi, answeringWarnings } from './helpers';

describe('Topics and lessons in a real VS Code', () => {
  let api: RoadmapApi;

  before(async () => {
    api = await activatedApi();
  });

  it("lists a step's topics first, checkable, each opening its lesson", () => {
    const provider = api.tree.treeProvider;
    assert.ok(provider);
    const step = provider.getChildren().find((node) => node.id === 'step/fundamentals');
    assert.ok(step);
    const first = provider.getChildren(step)[0];
    const item = provider.getTreeItem(first);
    assert.equal(item.id, 'topic/introduction-goals');
    assert.equal(item.checkboxState, vscode.TreeItemCheckboxState.Unchecked);
    assert.deepEqual(item.command?.arguments, ['introduction-goals']);
  });

  it('marks a topic done, which counts towards its step', async () => {
    await vscode.commands.executeCommand('dsRoadmap.markTopicComplete', 'naming');
    const provider = api.tree.treeProvider;
    assert.ok(provider && api.roadmap.ok);
    assert.ok(api.roadmap.progress.isDone('naming'));
    const step = provider.getChildren().find((node) => node.id === 'step/fundamentals');
    assert.ok(step);
    const topics = api.roadmap.curriculum.steps[0].topics.length;
    assert.match(String(provider.getTreeItem(step).description), new RegExp(`· 1/${topics} done$`));
    await vscode.commands.executeCommand('dsRoadmap.markTopicIncomplete', 'naming');
    assert.ok(!api.roadmap.progress.isDone('naming'));
  });

  it('opens a lesson in a webview panel, reusing it for the next topic', async () => {
    assert.ok(api.lessons);
    await vscode.commands.executeCommand('dsRoadmap.openLesson', 'clocks-synchronization');
    assert.deepEqual(api.lessons.openTopics(), ['clocks-synchronization']);
    await vscode.commands.executeCommand('dsRoadmap.openLesson', 'coordination-election');
    assert.deepEqual(api.lessons.openTopics(), ['coordination-election']);
  });

  it('opens the walkthrough of a topic at its step', async () => {
    const provider = api.tree.treeProvider;
    assert.ok(provider);
    const step = provider.getChildren().find((node) => node.id === 'step/networks');
    assert.ok(step);
    const topic = provider.getChildren(step).find((node) => node.id === 'topic/transport-tcp');
    const target = await vscode.commands.executeCommand('dsRoadmap.openInWalkthrough', topic);
    assert.deepEqual(target, {
      category: 'ds-roadmap.distributed-systems-roadmap#step-networks',
      step: 'topic-transport-tcp',
    });
  });

  it('Continue opens the first topic not done, in the next step once a step is complete', async () => {
    assert.ok(api.roadmap.ok && api.lessons);
    await answeringWarnings('Reset', () => vscode.commands.executeCommand('dsRoadmap.resetProgress'));
    assert.equal(await vscode.commands.executeCommand('dsRoadmap.continue'), 'topic:introduction-goals');
    assert.ok(api.lessons.openTopics().includes('introduction-goals'));
    await vscode.commands.executeCommand('dsRoadmap.markTopicComplete', 'introduction-goals');
    assert.equal(await vscode.commands.executeCommand('dsRoadmap.continue'), 'topic:architectures');
    await vscode.commands.executeCommand('dsRoadmap.markStepComplete', 'fundamentals');
    const firstOfStep2 = api.roadmap.curriculum.steps[1].topics[0].id;
    assert.equal(await vscode.commands.executeCommand('dsRoadmap.continue'), `topic:${firstOfStep2}`);
    assert.ok(api.lessons.openTopics().includes(firstOfStep2));
  });
});
