// UI tests of the roadmap in the real workbench: what a learner sees and clicks. They share one
// page, but none relies on what another left: each starts from the state it needs (startFresh,
// or opening what it looks at), so they pass in any order (DS_ROADMAP_UI_ORDER=reverse proves it).
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UiTest } from '../../scripts/vscode/run-ui';
import { eventually, Workbench } from './workbench';
import { STEP_TITLES } from '../shared/steps';

/** A topic's title as the build compiled it, so that editing the curriculum's text never breaks a test. */
function topicTitle(id: string): string {
  const curriculum = JSON.parse(readFileSync(join(__dirname, '..', '..', 'dist', 'curriculum.json'), 'utf8')) as {
    steps: { topics?: { id: string; title: string }[] }[];
  };
  const topic = curriculum.steps.flatMap((step) => step.topics ?? []).find((candidate) => candidate.id === id);
  assert.ok(topic, `no topic ${id} in dist/curriculum.json`);
  return topic.title;
}

export const roadmapTests: UiTest[] = [
  {
    name: 'the activity bar opens the roadmap with the six steps in order, each with its duration',
    run: async (wb) => {
      await wb.startFresh();
      await wb.runCommand('View: Close Primary Side Bar'); // so the activity bar entry opens it, not closes it
      await wb.openRoadmapFromActivityBar();
      const rows = await wb.stepRows();
      assert.deepEqual(
        rows.map((row) => row.label),
        [...STEP_TITLES],
      );
      assert.match(rows[0].description, /^1–2 months/);
      assert.match(rows[1].description, /^1 month/);
      assert.match(rows[5].description, /^2–3 months/);
      assert.ok(rows.every((row) => row.checked === 'false'));
      assert.equal(await wb.statusBarText(), 'Roadmap 0/6');
      await wb.screenshot('01-roadmap');
    },
  },
  {
    name: "ticking a step's checkbox marks it complete: the row, its icon and the status bar follow",
    run: async (wb) => {
      await wb.startFresh();
      await wb.checkbox('Networks and Communication').click();
      await eventually(async () => {
        assert.equal(await wb.checkbox('Networks and Communication').getAttribute('aria-checked'), 'true');
        assert.match((await wb.stepRows())[1].description, /done/);
        assert.equal(await wb.statusBarText(), 'Roadmap 1/6');
      });
      await wb.screenshot('02-step-checked');
    },
  },
  {
    name: 'the mark survives a reload of the window',
    run: async (wb) => {
      await wb.openRoadmap();
      if ((await wb.checkbox('Networks and Communication').getAttribute('aria-checked')) !== 'true') {
        await wb.checkbox('Networks and Communication').click();
        await eventually(async () => assert.match((await wb.stepRows())[1].description, /done/));
      }
      await wb.page.reload();
      await wb.waitReady();
      await wb.openRoadmap();
      await eventually(async () => assert.equal(await wb.checkbox('Networks and Communication').getAttribute('aria-checked'), 'true'));
      await wb.screenshot('03-after-reload');
    },
  },
  {
    name: 'the context menu marks a step complete and incomplete',
    run: async (wb) => {
      await wb.startFresh();
      await wb.contextMenu(wb.stepRow('Scalability and Performance Optimization'), 'Mark Step Complete');
      await eventually(async () => assert.equal(await wb.checkbox('Scalability and Performance Optimization').getAttribute('aria-checked'), 'true'));
      await wb.contextMenu(wb.stepRow('Scalability and Performance Optimization'), 'Mark Step Incomplete');
      await eventually(async () => assert.equal(await wb.checkbox('Scalability and Performance Optimization').getAttribute('aria-checked'), 'false'));
    },
  },
  {
    name: 'Reset Progress… from the Command Palette asks first, then clears every mark',
    run: async (wb) => {
      await wb.openRoadmap();
      if ((await wb.checkbox('Scalability and Performance Optimization').getAttribute('aria-checked')) !== 'true') {
        await wb.contextMenu(wb.stepRow('Scalability and Performance Optimization'), 'Mark Step Complete');
        await eventually(async () => assert.notEqual(await wb.statusBarText(), 'Roadmap 0/6'));
      }
      await wb.runCommand('Roadmap: Reset Progress…');
      await wb.page.locator('.monaco-dialog-box').waitFor();
      await wb.screenshot('04-reset-dialog');
      await wb.answerDialog('Reset');
      await eventually(async () => {
        assert.ok((await wb.stepRows()).every((row) => row.checked === 'false'));
        assert.equal(await wb.statusBarText(), 'Roadmap 0/6');
      });
    },
  },
  {
    name: 'the sidebar, for the README',
    run: async (wb) => {
      await wb.startFresh();
      await wb.checkbox('Fundamentals of Distributed Systems').click();
      await eventually(async () => assert.equal(await wb.checkbox('Fundamentals of Distributed Systems').getAttribute('aria-checked'), 'true'));
      await wb.expandStep('Hands-On Projects', 'Fault-tolerant database');
      await wb.page.mouse.move(1000, 600);
      await wb.screenshot('roadmap-sidebar', wb.page.locator('.part.sidebar'));
    },
  },
];

/** Opens the lesson "Clocks and synchronization" from the tree, unless it is open already. */
async function openClocksLesson(wb: Parameters<UiTest['run']>[0]): Promise<void> {
  const heading = lessonFrame(wb).locator('h1:text-is("Clocks and synchronization")');
  if (await heading.isVisible().catch(() => false)) {
    return;
  }
  await wb.openRoadmap();
  await wb.expandStep('Fundamentals of Distributed Systems', 'Clocks and synchronization');
  await wb.row('Clocks and synchronization').click();
  await heading.waitFor({ timeout: 30_000 });
}

/** The lesson webview's document: VS Code nests it in two iframes. */
function lessonFrame(wb: Parameters<UiTest['run']>[0]) {
  return wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

export const lessonTests: UiTest[] = [
  {
    name: 'a topic opens its lesson from the tree; an answer stays hidden until asked',
    run: async (wb) => {
      await openClocksLesson(wb);
      const lesson = lessonFrame(wb);
      await lesson.locator('figure svg title').waitFor({ state: 'attached' });
      await wb.screenshot('05-lesson-light');
      const answer = lesson.locator('[data-answer="0"]');
      assert.equal(await answer.isVisible(), false);
      await lesson.locator('summary').first().click();
      await eventually(async () => assert.equal(await answer.isVisible(), true));
    },
  },
  {
    name: 'Mark topic done in the lesson ticks the topic in the tree',
    run: async (wb) => {
      await wb.startFresh();
      await openClocksLesson(wb);
      await wb.expandStep('Fundamentals of Distributed Systems', 'Clocks and synchronization');
      await eventually(async () => assert.equal(await lessonFrame(wb).locator('#mark-done').innerText(), 'Mark topic done'));
      await lessonFrame(wb).locator('#mark-done').click();
      await eventually(async () => {
        const checkbox = wb.row('Clocks and synchronization').locator('[role="checkbox"]');
        assert.equal(await checkbox.getAttribute('aria-checked'), 'true');
      });
      await eventually(async () => assert.equal(await lessonFrame(wb).locator('#mark-done').innerText(), 'Mark topic not done'));
    },
  },
  {
    name: 'the lesson follows a dark theme',
    run: async (wb) => {
      await openClocksLesson(wb);
      await wb.runCommand('Preferences: Toggle between Light/Dark Themes');
      await eventually(async () => assert.ok((await wb.page.locator('.monaco-workbench.vs-dark').count()) > 0));
      await lessonFrame(wb).locator('h1').scrollIntoViewIfNeeded();
      await wb.page.waitForTimeout(1000);
      await wb.screenshot('06-lesson-dark');
      await wb.runCommand('Preferences: Toggle between Light/Dark Themes');
    },
  },
];

export const walkthroughTests: UiTest[] = [
  {
    name: 'a walkthrough opened from the tree at a topic ticks the topics ticked in the tree',
    run: async (wb) => {
      await wb.startFresh();
      const topic = wb.row('Architectures');
      await wb.expandStep('Fundamentals of Distributed Systems', 'Architectures');
      // The walkthrough is open before the topic is ticked: VS Code takes a completion key that is
      // already set when it first registers the walkthroughs in a window as seen, without ticking
      // (README, "Limits we live with").
      await wb.contextMenu(wb.row('Naming'), 'Open in Walkthrough');
      const ticked = wb.page.locator('.getting-started-step[data-step-id$="#step-fundamentals#topic-architectures"]');
      await ticked.waitFor({ timeout: 20_000 });
      // Opened at the topic the learner chose, not at the first unfinished one.
      const chosen = wb.page.locator('.getting-started-step[data-step-id$="#step-fundamentals#topic-naming"]');
      await eventually(async () => assert.equal(await chosen.getAttribute('aria-expanded'), 'true'));
      await topic.locator('[role="checkbox"]').click();
      await eventually(async () => assert.equal(await topic.locator('[role="checkbox"]').getAttribute('aria-checked'), 'true'));
      // The box flips in the workbench at once; "· done" appears only once the extension recorded it.
      await eventually(async () => assert.match(await topic.innerText(), /done/, 'the extension did not record the ticked topic'));
      await eventually(async () => assert.equal(await ticked.getAttribute('aria-checked'), 'true'), 30_000);
      await wb.screenshot('07-walkthrough-step');
    },
  },
  {
    name: 'a project opens its walkthrough: brief, scaffold, README and one step per milestone',
    run: async (wb) => {
      await wb.openRoadmap();
      await wb.expandStep('Hands-On Projects', 'Fault-tolerant database');
      await wb.contextMenu(wb.row('Fault-tolerant database'), 'Open in Walkthrough');
      const steps = wb.page.locator('.getting-started-step[data-step-id*="#project-fault-tolerant-db#"]');
      await eventually(async () => assert.equal(await steps.count(), 9));
      await wb.page.locator('.getting-started-step[data-step-id$="#scaffold"]').click();
      await wb.page.locator('.monaco-button:has-text("Scaffold Project")').first().waitFor();
      await wb.page.waitForTimeout(1500);
      await wb.screenshot('08-walkthrough-project');
    },
  },
  {
    name: 'the Welcome page lists the walkthroughs; Mark Done in one ticks the topic in the tree',
    run: async (wb) => {
      await wb.startFresh();
      // Focus the workbench, not the walkthrough page the last test left focused.
      await wb.stepRow('Networks and Communication').click();
      await wb.runCommand('Help: Welcome');
      // The Welcome page may come back showing the walkthrough an earlier test opened, its list of
      // walkthroughs disabled behind it: go back to the list first.
      const back = wb.page.locator('.gettingStartedSlideDetails .prev-button');
      if (await back.isVisible()) {
        await back.click();
      }
      await wb.page.locator('.getting-started-category:not([disabled]):has-text("Step ")').first().waitFor({ timeout: 20_000 });
      const entry = wb.page.locator('.getting-started-category:has-text("Step 2: Networks and Communication")').first();
      if (await entry.isVisible()) {
        await entry.click();
      } else {
        // The page lists five walkthroughs, the recently opened first; the rest are behind "More...".
        await wb.page.locator('.see-all-walkthroughs').click();
        const input = wb.page.locator('.quick-input-widget input');
        await input.fill('Step 2: Networks and Communication');
        await wb.page.locator('.quick-input-list .monaco-list-row.focused:has-text("Step 2: Networks and Communication")').waitFor();
        await input.press('Enter');
      }
      const topicStep = wb.page.locator('.getting-started-step[data-step-id$="#step-networks#topic-transport-tcp"]');
      await topicStep.waitFor({ timeout: 20_000 });
      await topicStep.click();
      await wb.page.locator('.getting-started-step.expanded .monaco-button:has-text("Mark Done")').click();
      // The button goes through our command and store: the tree shows it, then the walkthrough ticks.
      await wb.expandStep('Networks and Communication', 'TCP');
      await eventually(async () => assert.match(await wb.row('TCP').innerText(), /done/, 'the tree did not record the topic'));
      await eventually(async () => assert.equal(await topicStep.getAttribute('aria-checked'), 'true'), 30_000);
      await wb.screenshot('11-walkthrough-mark-done');
    },
  },
];

export const scaffoldTests: UiTest[] = [
  {
    name: 'the Scaffold button of the database walkthrough writes the real starter and ticks the step',
    run: async (wb, server) => {
      await wb.openRoadmap();
      const project = wb.row('Fault-tolerant database');
      await wb.expandStep('Hands-On Projects', 'Fault-tolerant database');
      await wb.contextMenu(project, 'Open in Walkthrough');
      const scaffoldStep = wb.page.locator('.getting-started-step[data-step-id$="#project-fault-tolerant-db#scaffold"]');
      await scaffoldStep.click();
      await wb.page.locator('.getting-started-step.expanded .monaco-button:has-text("Scaffold Project")').click();
      // Where: a new folder in the workspace, named after the project.
      await wb.page.locator('.quick-input-list .monaco-list-row.focused:has-text("New folder in")').first().waitFor();
      const input = wb.page.locator('.quick-input-widget input');
      await input.focus();
      await input.press('Enter');
      await eventually(async () => assert.equal(await input.inputValue(), 'fault-tolerant-db'));
      await wb.screenshot('09-walkthrough-folder-name');
      await input.focus();
      await input.press('Enter');
      const folder = join(server.dirs.workspace, 'fault-tolerant-db');
      // The step is ticked once the whole plan is written; files appear one by one before that.
      await eventually(async () => assert.equal(await scaffoldStep.getAttribute('aria-checked'), 'true'), 60_000);
      assert.ok(existsSync(join(folder, 'README.md')), 'README.md was not written');
      assert.ok(existsSync(join(folder, 'test', 'm1-single-node-wal.test.ts')));
      assert.ok(existsSync(join(folder, 'harness')), 'the harness was not written');
      assert.match(readFileSync(join(folder, 'package.json'), 'utf8'), /"name": "fault-tolerant-db"/);
      // Then the README opens as a preview and the folder is revealed in the Explorer; the test ends
      // once both happened, so they never land in the middle of the next test.
      await wb.page.locator('.tab:has-text("Preview README.md")').waitFor({ timeout: 30_000 });
      await wb.page.locator('.part.sidebar .composite.title:has-text("Explorer")').waitFor({ timeout: 30_000 });
      await wb.screenshot('10-walkthrough-scaffolded');
    },
  },
];

export const testingViewTests: UiTest[] = [
  {
    name: "the Testing view checks a milestone of a scaffolded project: each failing test with its message, and the milestone's hint",
    run: async (wb, server) => {
      // A project of its own, in a fresh folder, scaffolded from the Command Palette.
      const name = `file-sharing-${Date.now().toString(36)}`;
      // On a page just opened, the extension's commands reach the palette once its view has loaded.
      if (!(await wb.stepRow('Fundamentals of Distributed Systems').isVisible())) {
        await wb.openRoadmapFromActivityBar();
      }
      await wb.runCommand('Roadmap: Scaffold Project…');
      const input = wb.page.locator('.quick-input-widget input');
      await wb.page.locator('.quick-input-list .monaco-list-row:has-text("Distributed file-sharing system")').first().waitFor();
      await input.fill('Distributed file-sharing system');
      await input.press('Enter');
      await wb.page.locator('.quick-input-list .monaco-list-row.focused:has-text("New folder in")').first().waitFor();
      await input.press('Enter');
      await eventually(async () => assert.equal(await input.inputValue(), 'file-sharing'));
      await input.fill(name);
      await input.press('Enter');
      // Another test's README may be open already: the files on disk say this scaffold is done.
      await eventually(() => Promise.resolve(assert.ok(existsSync(join(server.dirs.workspace, name, 'test', 'm1-chunking-manifests.test.ts')))), 60_000);
      await wb.page.locator('.tab:has-text("Preview README.md")').waitFor({ timeout: 60_000 });
      // Scaffolding ends by revealing the folder in the Explorer: wait for it, so that it does not
      // take the side bar back from the Testing view later.
      await wb.page.locator('.part.sidebar .composite.title:has-text("Explorer")').waitFor({ timeout: 30_000 });
      const tree = wb.page.locator('.test-explorer');
      const project = tree.locator('.monaco-list-row:has-text("Distributed file-sharing system")').first();
      const milestone = tree.locator('.monaco-list-row:has-text("1. Chunking and manifests")').first();
      const computeRoot = tree.locator('.monaco-list-row:has-text("computeRoot hashes")').first();
      // Show the Testing view, then expand the project and the milestone (a click toggles: only rows
      // that are collapsed are clicked; the view may keep rows it showed before expanded), until the
      // milestone's tests show. Another project may be listed above this one.
      await eventually(async () => {
        if (!(await tree.isVisible())) {
          await wb.runCommand('Testing: Focus on Test Explorer View');
        }
        await project.waitFor({ timeout: 5_000 });
        if ((await project.getAttribute('aria-expanded')) !== 'true') {
          await project.click();
        }
        await milestone.waitFor({ timeout: 5_000 });
        if ((await milestone.getAttribute('aria-expanded')) !== 'true') {
          await milestone.click();
        }
        await computeRoot.waitFor({ timeout: 5_000 });
      }, 60_000);
      // Run the milestone with its default profile: Check milestone.
      await milestone.hover();
      await milestone.locator('.action-label[aria-label^="Run Test"]').first().click();
      const failed = tree.locator('.monaco-list-row:has-text("computeRoot hashes") .codicon-testing-failed-icon');
      await failed.first().waitFor({ timeout: 120_000 });
      await eventually(async () => assert.equal(await milestone.locator('.codicon-testing-failed-icon').count(), 1), 60_000);
      // The failing test's message opens in the peek at the failing line of the test file.
      await tree.locator('.monaco-list-row:has-text("computeRoot hashes")').first().dblclick();
      const peek = wb.page.locator('.test-output-peek');
      await peek.waitFor({ timeout: 30_000 });
      await eventually(async () => assert.match(await peek.innerText(), /TODO\(milestone 1\): hash the manifest text into the root in computeRoot/), 30_000);
      await wb.page.mouse.move(1000, 700);
      await wb.screenshot('14-testing-view-failure');
      // The milestone's own result carries the hint and the lesson to read, in Test Results.
      await wb.dismiss();
      await wb.runCommand('Test: Show Output');
      const results = wb.page.locator('.part.panel .monaco-list').filter({ hasText: 'Chunking and manifests' }).first();
      await results.waitFor({ timeout: 30_000 });
      const milestoneResult = results.locator('.monaco-list-row:has-text("Chunking and manifests")').first();
      if ((await milestoneResult.getAttribute('aria-expanded')) === 'false') {
        await milestoneResult.click();
        await wb.page.keyboard.press('ArrowRight');
      }
      await eventually(async () => assert.match(await results.innerText(), /Hint: Start with computeRoot/), 30_000);
      await wb.screenshot('15-testing-view-hint');
      await wb.dismiss();
      // Leave the layout as the other tests expect it: no panel, no editors, the roadmap in the side bar.
      await wb.tryCommand('View: Close Panel');
      await wb.tryCommand('View: Close All Editors');
      await wb.openRoadmap();
    },
  },
];

export const windowTests: UiTest[] = [
  {
    name: 'two windows tick different topics at once, and both end with both ticked',
    run: async (wb) => {
      await wb.startFresh();
      const second = new Workbench(await wb.page.context().newPage());
      try {
        await second.page.goto(wb.page.url());
        await second.waitReady();
        const topics = [topicTitle('service-discovery'), topicTitle('load-balancing-scaling')];
        for (const window of [wb, second]) {
          await window.openRoadmap();
          await window.expandStep('Scalability and Performance Optimization', topics[0]);
        }
        // Each window ticks its own topic, at the same time.
        const ticks: [Workbench, string][] = [
          [wb, topics[0]],
          [second, topics[1]],
        ];
        await Promise.all(ticks.map(([window, topic]) => window.row(topic).locator('[role="checkbox"]').click()));
        // A click that lands while the other window's change redraws the step's rows never reaches the
        // workbench: its box stays unticked. Such a click is made again; a box that did tick is never
        // touched again, so what follows is the store's doing alone.
        for (const [window, topic] of ticks) {
          const box = window.row(topic).locator('[role="checkbox"]');
          for (let attempt = 1; (await box.getAttribute('aria-checked')) !== 'true' && attempt <= 3; attempt++) {
            await box.click();
            await window.page.waitForTimeout(1_000);
          }
        }
        const where = (window: Workbench) => (window === wb ? 'the first window' : 'the second window');
        for (const window of [wb, second]) {
          for (const topic of topics) {
            await eventually(async () => assert.match(await window.row(topic).innerText(), /done/, `${where(window)} lost "${topic}"`), 30_000);
          }
        }
        await wb.screenshot('12-first-window');
        await second.screenshot('12-second-window');
      } finally {
        await second.page.close();
      }
    },
  },
];

/** Run against a folder opened in Restricted Mode (a server with workspace trust on, the trust prompt declined). */
export const restrictedTests: UiTest[] = [
  {
    name: 'in Restricted Mode the roadmap works, and Check Project Milestone… refuses to run anything until the folder is trusted',
    run: async (wb, server) => {
      const restricted = wb.page.locator('.statusbar-item:has-text("Restricted Mode")').first();
      await restricted.waitFor({ timeout: 30_000 });
      // A cloned repository that turns the workspace copy on in its own settings and ships a copy
      // marking every step done and verified: neither untrusted nor trusted may it change progress.
      const hostile = writeHostileProgress(server.dirs.workspace);
      await wb.openRoadmap();
      assert.equal((await wb.stepRows()).length, 6);
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // the copy syncs 300 ms after a change
      assert.equal(await wb.statusBarText(), 'Roadmap 0/6', "the repository's progress file changed the learner's progress");
      assert.equal(readFileSync(hostile.file, 'utf8'), hostile.text);
      // The milestone picker, as opposed to the Command Palette that closes as the command runs.
      const picker = wb.page.locator('.quick-input-widget:visible .monaco-list-row:has-text("Chunking and manifests")');
      await wb.runCommand('Roadmap: Check Project Milestone…');
      const refusal = wb.page.locator('.notification-toast:has-text("this workspace is not trusted")');
      await refusal.waitFor({ timeout: 30_000 });
      assert.match(await refusal.innerText(), /Manage Workspace Trust/);
      assert.equal(await picker.count(), 0, 'the milestone picker opened: the check went on');
      assert.equal(await wb.page.locator('.terminal-tab, .single-terminal-tab').count(), 0, 'a terminal opened');
      await wb.screenshot('13-restricted-mode');
      // The refusal's button leads to where trust is given.
      await refusal.locator('.monaco-button:has-text("Manage Workspace Trust")').click();
      await wb.page.getByText('You are in Restricted Mode').waitFor({ timeout: 15_000 });
      // Once trusted, the same command goes on to ask which milestone to check.
      await wb.page.getByRole('button', { name: 'Trust', exact: true }).click();
      await restricted.waitFor({ state: 'hidden', timeout: 15_000 });
      await wb.dismiss();
      // Trusted now, but the setting is the workspace's own, not the learner's: still nothing.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      assert.equal(await wb.statusBarText(), 'Roadmap 0/6', "the workspace's own setting turned the copy on once trusted");
      assert.equal(readFileSync(hostile.file, 'utf8'), hostile.text);
      await wb.runCommand('Roadmap: Check Project Milestone…');
      await picker.waitFor({ timeout: 15_000 });
      await wb.dismiss();
    },
  },
];

/** `.vscode/settings.json` turning the workspace copy on, and a `.roadmap/progress.json` with every step done and verified. */
function writeHostileProgress(workspace: string): { file: string; text: string } {
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'dsRoadmap.progress.keepInWorkspace': true }));
  const stamp = `${Date.now() - 60_000}-000000-cloned`;
  const records = Object.fromEntries(
    ['fundamentals', 'networks', 'fault-tolerance', 'scalability', 'cloud-native', 'projects'].map((id) => [
      id,
      { state: 'done', at: new Date().toISOString(), origin: 'verified', evidence: { tests: 99 }, stamp },
    ]),
  );
  const text = `${JSON.stringify({ format: 'ds-roadmap-progress', version: 3, records }, undefined, 2)}\n`;
  mkdirSync(join(workspace, '.roadmap'), { recursive: true });
  const file = join(workspace, '.roadmap', 'progress.json');
  writeFileSync(file, text);
  return { file, text };
}
