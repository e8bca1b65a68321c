import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PROGRESS_SCHEMA_VERSION } from '../../src/core/progress/codec';
import { ProgressStore } from '../../src/core/progress/store';
import { MemoryJournal } from '../fakes/memoryJournal';
import type { RoadmapNode } from '../../src/core/roadmap/treeModel';
import type { RoadmapApi } from '../../src/extension';
import { activatedApi, answeringWarnings, EXTENSION_ID } from './helpers';
import { STEP_TITLES } from '../shared/steps';

function tree(api: RoadmapApi) {
  const provider = api.tree.treeProvider;
  assert.ok(provider, 'the tree provider was not created');
  return provider;
}

function stepItems(api: RoadmapApi): { node: RoadmapNode; item: vscode.TreeItem }[] {
  const provider = tree(api);
  return provider.getChildren().map((node) => ({ node, item: provider.getTreeItem(node) }));
}

function stepItem(api: RoadmapApi, stepId: string): vscode.TreeItem {
  const found = stepItems(api).find(({ node }) => node.id === `step/${stepId}`);
  assert.ok(found, `no tree item for ${stepId}`);
  return found.item;
}

function isChecked(item: vscode.TreeItem): boolean {
  return item.checkboxState === vscode.TreeItemCheckboxState.Checked;
}

describe('Roadmap in a real VS Code', () => {
  let api: RoadmapApi;

  before(async () => {
    api = await activatedApi();
  });

  beforeEach(async () => {
    await answeringWarnings('Reset', () => vscode.commands.executeCommand('dsRoadmap.resetProgress'));
  });

  it('registers every command package.json declares, and declares every command it registers', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    const manifest = extension?.packageJSON as { contributes: { commands: { command: string }[] } };
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    // VS Code adds its own commands for each view (dsRoadmap.roadmap.focus, …): those are not ours.
    const views = ['dsRoadmap.roadmap.', 'dsRoadmap.studyPlan.'];
    const registered = (await vscode.commands.getCommands(true))
      .filter((id) => id.startsWith('dsRoadmap.') && !views.some((view) => id.startsWith(view)))
      .sort();
    assert.deepEqual(registered, declared);
  });

  it('shows the six steps in order with stable ids, durations and unchecked boxes', () => {
    const items = stepItems(api);
    assert.deepEqual(
      items.map(({ item }) => item.label),
      [...STEP_TITLES],
    );
    assert.deepEqual(
      items.map(({ item }) => item.id),
      ['fundamentals', 'networks', 'fault-tolerance', 'scalability', 'cloud-native', 'projects'].map((id) => `step/${id}`),
    );
    assert.ok(api.roadmap.ok);
    const [fundamentals, networks] = api.roadmap.curriculum.steps;
    assert.equal(items[0].item.description, `1–2 months · 0/${fundamentals.topics.length} done`);
    assert.equal(items[1].item.description, `1 month · 0/${networks.topics.length} done`);
    assert.ok(items.every(({ item }) => item.checkboxState === vscode.TreeItemCheckboxState.Unchecked));
    assert.ok(items.every(({ item }) => item.contextValue === 'step.todo'));
  });

  it('shows step 6 with its three projects', () => {
    const provider = tree(api);
    const projects = provider.getChildren().find((node) => node.id === 'step/projects');
    assert.ok(projects);
    const labels = provider.getChildren(projects).map((node) => provider.getTreeItem(node).label);
    assert.deepEqual(labels, ['Objective', 'Distributed file-sharing system', 'Microservices on Docker and Kubernetes', 'Fault-tolerant database']);
  });

  it('marks a step complete through the command, updating the store, the stored value and the tree', async () => {
    const changed = new Promise<void>((resolve) => {
      const subscription = tree(api).onDidChangeTreeData(() => {
        subscription.dispose();
        resolve();
      });
    });
    const result = await vscode.commands.executeCommand('dsRoadmap.markStepComplete', 'networks');
    await changed;
    assert.equal(result, true);
    assert.ok(api.roadmap.ok && api.roadmap.progress.isDone('networks'));
    const item = stepItem(api, 'networks');
    assert.ok(isChecked(item));
    assert.equal(item.description, '1 month · done');
    assert.equal(item.contextValue, 'step.done');
    const stored = (await api.storedProgress()) as { version: number; records: Record<string, { state: string; origin: string }> };
    assert.equal(stored.version, PROGRESS_SCHEMA_VERSION);
    assert.equal(stored.records.networks.state, 'done');
    assert.equal(stored.records.networks.origin, 'self-reported');
  });

  it('marks a step and its topics complete and incomplete through the tree checkbox handler, asking first', async () => {
    const apply = api.tree.applyCheckboxChanges;
    assert.ok(apply && api.roadmap.ok);
    const node = tree(api)
      .getChildren()
      .find((n) => n.id === 'step/scalability');
    assert.ok(node);
    const topics = api.roadmap.curriculum.steps.find((step) => step.id === 'scalability')?.topics ?? [];
    const ticked = await answeringWarnings('Mark Topics Done', () => apply({ items: [[node, vscode.TreeItemCheckboxState.Checked]] }));
    assert.deepEqual(ticked.prompts, [`Mark the ${topics.length} topic(s) left in "Scalability and Performance Optimization" done?`]);
    assert.ok(isChecked(stepItem(api, 'scalability')));
    assert.equal(stepItem(api, 'scalability').description, '1 month · done');
    const stored = (await api.storedProgress()) as { records: Record<string, { state: string }> };
    assert.equal(stored.records.scalability?.state, 'done');
    assert.ok(topics.every((topic) => stored.records[topic.id]?.state === 'done'));
    // Every topic done: unticking the step does something visible, after asking.
    const unticked = await answeringWarnings('Mark Topics Not Done', () => apply({ items: [[node, vscode.TreeItemCheckboxState.Unchecked]] }));
    assert.equal(unticked.prompts.length, 1);
    assert.ok(!isChecked(stepItem(api, 'scalability')));
    assert.ok(topics.every((topic) => api.roadmap.ok && !api.roadmap.progress.isDone(topic.id)));
  });

  it("writes nothing when the learner declines to mark a step's topics, and draws the box back", async () => {
    const apply = api.tree.applyCheckboxChanges;
    assert.ok(apply && api.roadmap.ok);
    const provider = tree(api);
    const node = provider.getChildren().find((n) => n.id === 'step/networks');
    assert.ok(node);
    await vscode.commands.executeCommand('dsRoadmap.markTopicIncomplete', 'transport-tcp');
    const before = JSON.stringify(await api.storedProgress());
    const redrawn = new Promise<unknown>((resolve) => {
      const subscription = provider.onDidChangeTreeData((nodes) => {
        subscription.dispose();
        resolve(nodes);
      });
    });
    const declined = await answeringWarnings(undefined, () => apply({ items: [[node, vscode.TreeItemCheckboxState.Checked]] }));
    assert.equal(declined.prompts.length, 1);
    assert.equal(JSON.stringify(await api.storedProgress()), before);
    assert.deepEqual(await redrawn, [node]);
    assert.ok(!isChecked(stepItem(api, 'networks')));
  });

  it('applies a checkbox event of several steps and topics as one store write and one tree refresh', async () => {
    const apply = api.tree.applyCheckboxChanges;
    assert.ok(apply && api.roadmap.ok);
    const provider = tree(api);
    const steps = provider.getChildren();
    const scalability = steps.find((n) => n.id === 'step/scalability');
    const cloudNative = steps.find((n) => n.id === 'step/cloud-native');
    const fundamentals = steps.find((n) => n.id === 'step/fundamentals');
    assert.ok(scalability && cloudNative && fundamentals);
    const topics = provider
      .getChildren(fundamentals)
      .filter((n) => n.kind === 'topic')
      .slice(0, 3);
    assert.equal(topics.length, 3);
    const nodes = [scalability, cloudNative, ...topics];
    const storeEvents: (readonly string[])[] = [];
    let refreshes = 0;
    const subscriptions = [
      api.roadmap.progress.onDidChange((ids) => storeEvents.push(ids)),
      provider.onDidChangeTreeData(() => {
        refreshes += 1;
      }),
    ];
    const stepTopics = api.roadmap.curriculum.steps.filter((step) => step.id === 'scalability' || step.id === 'cloud-native').flatMap((step) => step.topics);
    try {
      const asked = await answeringWarnings('Mark Topics Done', () =>
        apply({ items: nodes.map((node) => [node, vscode.TreeItemCheckboxState.Checked] as const) }),
      );
      assert.equal(asked.prompts.length, 1, 'one question for the whole event');
      assert.equal(storeEvents.length, 1, 'one store write');
      assert.equal(refreshes, 1, 'one tree refresh');
      const ids = ['scalability', 'cloud-native', ...topics.map((n) => (n.kind === 'topic' ? n.topic.id : '')), ...stepTopics.map((topic) => topic.id)];
      assert.deepEqual([...storeEvents[0]].sort(), [...new Set(ids)].sort());
      const stored = (await api.storedProgress()) as { records: Record<string, { state: string; origin: string }> };
      assert.ok(ids.every((id) => stored.records[id]?.state === 'done' && stored.records[id]?.origin === 'self-reported'));
      assert.ok(isChecked(stepItem(api, 'scalability')) && isChecked(stepItem(api, 'cloud-native')));
      assert.ok(topics.every((node) => isChecked(provider.getTreeItem(node))));

      await answeringWarnings('Mark Topics Not Done', () => apply({ items: nodes.map((node) => [node, vscode.TreeItemCheckboxState.Unchecked] as const) }));
      assert.equal(storeEvents.length, 2);
      assert.equal(refreshes, 2);
      assert.ok(ids.every((id) => api.roadmap.ok && !api.roadmap.progress.isDone(id)));
    } finally {
      for (const subscription of subscriptions) {
        subscription.dispose();
      }
    }
  });

  it('keeps progress in VS Code storage: a store opened again on it sees the marks', async () => {
    await vscode.commands.executeCommand('dsRoadmap.markStepComplete', 'fundamentals');
    const stored = await api.storedProgress();
    const reopened = await ProgressStore.open(
      { get: () => stored, update: () => Promise.resolve() },
      { key: 'k', setAsidePrefix: 'aside.', knownIds: new Set(['fundamentals']), journal: new MemoryJournal(), node: 'test' },
    );
    assert.deepEqual(reopened.problems, []);
    assert.ok(reopened.store.isDone('fundamentals'));
  });

  it('refuses an unknown step id without changing anything', async () => {
    const before = JSON.stringify(await api.storedProgress());
    const result = await vscode.commands.executeCommand('dsRoadmap.markStepComplete', 'no-such-step');
    assert.equal(result, undefined);
    assert.equal(JSON.stringify(await api.storedProgress()), before);
  });

  it('asks before resetting, and does nothing when the learner declines', async () => {
    await vscode.commands.executeCommand('dsRoadmap.markStepComplete', 'fault-tolerance');
    const declined = await answeringWarnings(undefined, () => vscode.commands.executeCommand('dsRoadmap.resetProgress'));
    assert.equal(declined.prompts.length, 1);
    assert.equal(declined.result, false);
    assert.ok(api.roadmap.ok && api.roadmap.progress.isDone('fault-tolerance'));

    const accepted = await answeringWarnings('Reset', () => vscode.commands.executeCommand('dsRoadmap.resetProgress'));
    assert.equal(accepted.result, true);
    assert.ok(api.roadmap.ok && !api.roadmap.progress.isDone('fault-tolerance'));
  });

  it('opens the roadmap view', async () => {
    await vscode.commands.executeCommand('dsRoadmap.openRoadmap');
    // The provider answers as the view asks: the steps are there once it is open.
    assert.equal(tree(api).getChildren().length, 6);
  });
});
