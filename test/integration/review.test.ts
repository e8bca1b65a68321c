// Spaced review and topic notes in the real VS Code: an answer schedules the topic, the roadmap
// shows it once due (the review's clock moved forward, as the core takes its clock as a parameter),
// a known answer sends it further out; notes are created once and never overwritten.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { reviewId } from '../../src/core/review/schedule';
import type { RoadmapApi } from '../../src/extension';
import { activatedApi } from './helpers';

const DAY = 24 * 60 * 60 * 1000;
const TOPIC = 'raft';

describe('Spaced review and notes in a real VS Code', () => {
  let api: RoadmapApi;
  let shifted = 0;

  before(async () => {
    api = await activatedApi();
  });

  after(async () => {
    api.reviews?.shiftClock(-shifted);
    if (api.roadmap.ok) {
      await api.roadmap.progress.reset([reviewId(TOPIC)]);
    }
  });

  const rootIds = () => (api.tree.treeProvider?.getChildren() ?? []).map((node) => node.id);

  it('schedules a topic the learner did not know for tomorrow, shows it as due once tomorrow comes, and sends it out three days on "knew it"', async () => {
    const reviews = api.reviews;
    const provider = api.tree.treeProvider;
    assert.ok(reviews && provider && api.roadmap.ok);
    assert.equal(rootIds()[0], 'step/fundamentals', 'nothing is due before any answer');
    const first = await reviews.answer(TOPIC, 'forgot');
    assert.equal(first?.box, 1);
    assert.equal(api.roadmap.progress.get(reviewId(TOPIC))?.state, 'done', 'the answer is kept in the progress store');
    assert.deepEqual(rootIds().slice(0, 1), ['step/fundamentals'], 'not due yet');

    reviews.shiftClock(DAY + 60_000);
    shifted += DAY + 60_000;
    assert.deepEqual(rootIds().slice(0, 2), ['reviews', 'step/fundamentals']);
    const group = provider.getChildren()[0];
    const groupItem = provider.getTreeItem(group);
    assert.equal(groupItem.label, 'Due for review');
    assert.equal(groupItem.description, '1 topic');
    assert.ok(groupItem.accessibilityInformation?.label.includes('Due for review'));
    const [row] = provider.getChildren(group);
    const rowItem = provider.getTreeItem(row);
    assert.equal(rowItem.id, `reviews/${TOPIC}`);
    assert.deepEqual(rowItem.command?.arguments, [TOPIC]);
    assert.match(String(rowItem.description), /^step 3 · box 1 · due since \d{4}-\d\d-\d\d$/);

    const second = await reviews.answer(TOPIC, 'knew');
    assert.equal(second?.box, 2);
    const wait = Date.parse(second?.due ?? '') - reviews.now().getTime();
    assert.ok(Math.abs(wait - 3 * DAY) < 60_000, `due again in ${wait} ms, not three days`);
    assert.equal(rootIds()[0], 'step/fundamentals', 'known again: no longer due');
  });

  it("creates a topic's notes in the workspace's .roadmap/notes on first use, and opens the same file, untouched, afterwards", async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the integration tests run in a workspace folder');
    const file = join(folder, '.roadmap', 'notes', `${TOPIC}.md`);
    rmSync(file, { force: true });
    const opened = await vscode.commands.executeCommand<string>('dsRoadmap.openNotes', TOPIC);
    assert.equal(opened, file);
    assert.match(readFileSync(file, 'utf8'), /^# Raft: elections, log replication and the commit rule\n\nStep 3: /);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
    writeFileSync(file, '# Mine\n\nwhat I wrote\n');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(await vscode.commands.executeCommand<string>('dsRoadmap.openNotes', TOPIC), file);
    assert.equal(readFileSync(file, 'utf8'), '# Mine\n\nwhat I wrote\n', 'an existing notes file is never overwritten');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(join(folder, '.roadmap'), { recursive: true, force: true });
    assert.ok(!existsSync(file));
  });
});
