// UI tests of the roadmap in the real workbench: what a learner sees and clicks. They share one
// page, but none relies on what another left: each starts from the state it needs (startFresh,
// or opening what it looks at), so they pass in any order (DS_ROADMAP_UI_ORDER=reverse proves it).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UiTest } from '../../scripts/vscode/run-ui';
import { parseCompiledCurriculum } from '../../src/core/curriculum/load';
import type { Curriculum } from '../../src/core/curriculum/model';
import { planRows, studyPlan } from '../../src/core/roadmap/plan';
import { eventually, NOTHING_DONE, Workbench } from './workbench';
import { STEP_TITLES } from '../shared/steps';

/** The compiled curriculum the VSIX ships (dist/curriculum.json), read once through the extension's own parser. */
let shipped: Curriculum | undefined;
function shippedCurriculum(): Curriculum {
  if (!shipped) {
    const file = join(__dirname, '..', '..', 'dist', 'curriculum.json');
    const compiled = parseCompiledCurriculum(readFileSync(file, 'utf8'), file);
    assert.ok(compiled.ok, `${file} does not parse: run the build`);
    shipped = compiled.curriculum;
  }
  return shipped;
}

/** A topic's title as the build compiled it, so that editing the curriculum's text never breaks a test. */
function topicTitle(id: string): string {
  const topic = shippedCurriculum()
    .steps.flatMap((step) => step.topics)
    .find((candidate) => candidate.id === id);
  assert.ok(topic, `no topic ${id} in dist/curriculum.json`);
  return topic.title;
}

/** How many milestones a project has in the compiled curriculum. */
function milestoneCount(projectId: string): number {
  const project = shippedCurriculum()
    .steps.flatMap((step) => step.projects ?? [])
    .find((candidate) => candidate.id === projectId);
  assert.ok(project?.milestones, `no project ${projectId} with milestones in dist/curriculum.json`);
  return project.milestones.length;
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
      assert.ok(
        rows.every((row) => row.checked === 'false'),
        'a step is ticked on a fresh roadmap',
      );
      assert.match(await wb.statusBarText(), NOTHING_DONE);
      await wb.screenshot('01-roadmap');
    },
  },
  {
    name: "ticking a step's checkbox asks, then marks its topics done: the row, its icon and the status bar follow",
    run: async (wb) => {
      await wb.startFresh();
      await wb.checkbox('Networks and Communication').click();
      await wb.page.locator('.monaco-dialog-box:has-text("left in")').waitFor();
      await wb.answerDialog('Mark Topics Done');
      await eventually(async () => {
        assert.equal(await wb.checkbox('Networks and Communication').getAttribute('aria-checked'), 'true');
        assert.match((await wb.stepRows())[1].description, /done/);
        assert.match(await wb.statusBarText(), /^Roadmap [1-9]\d*\/\d+ · [1-9]\d*%$/);
      });
      await wb.screenshot('02-step-checked');
    },
  },
  {
    name: 'the mark survives a reload of the window',
    run: async (wb) => {
      await wb.openRoadmap();
      if ((await wb.checkbox('Networks and Communication').getAttribute('aria-checked')) !== 'true') {
        await wb.tickStep('Networks and Communication');
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
      await wb.answerDialog('Mark Topics Done');
      await eventually(async () => assert.equal(await wb.checkbox('Scalability and Performance Optimization').getAttribute('aria-checked'), 'true'));
      // Every topic done: Mark Step Incomplete marks them not done, after asking.
      await wb.contextMenu(wb.stepRow('Scalability and Performance Optimization'), 'Mark Step Incomplete');
      await wb.answerDialog('Mark Topics Not Done');
      await eventually(async () => assert.equal(await wb.checkbox('Scalability and Performance Optimization').getAttribute('aria-checked'), 'false'));
    },
  },
  {
    name: 'Reset Progress… from the Command Palette asks first, then clears every mark',
    run: async (wb) => {
      await wb.openRoadmap();
      if ((await wb.checkbox('Scalability and Performance Optimization').getAttribute('aria-checked')) !== 'true') {
        await wb.contextMenu(wb.stepRow('Scalability and Performance Optimization'), 'Mark Step Complete');
        await wb.answerDialog('Mark Topics Done');
        await eventually(async () => assert.doesNotMatch(await wb.statusBarText(), NOTHING_DONE));
      }
      await wb.runCommand('Roadmap: Reset Progress…');
      await wb.page.locator('.monaco-dialog-box').waitFor();
      await wb.screenshot('04-reset-dialog');
      await wb.answerDialog('Reset');
      await eventually(async () => {
        assert.ok(
          (await wb.stepRows()).every((row) => row.checked === 'false'),
          'a step is still ticked after Reset Progress…',
        );
        assert.match(await wb.statusBarText(), NOTHING_DONE);
      });
    },
  },
  {
    name: 'the sidebar, for the README',
    run: async (wb) => {
      await wb.startFresh();
      await wb.tickStep('Fundamentals of Distributed Systems');
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

/** The few DOM globals the lesson tests read inside the webview (the tests compile without the DOM library). */
interface LessonWindow {
  readonly scrollY: number;
  scrollTo(x: number, y: number): void;
  readonly document: { readonly documentElement: { readonly scrollHeight: number }; readonly activeElement: { readonly id: string } | null };
}
type LessonBody = { readonly dataset: Record<string, string | undefined> };

/** The indexes of the self-check answers open in the lesson. */
async function openAnswers(wb: Parameters<UiTest['run']>[0]): Promise<number[]> {
  const answers = await lessonFrame(wb).locator('[data-answer]').all();
  const shown = await Promise.all(answers.map((answer) => answer.isVisible()));
  return shown.flatMap((visible, index) => (visible ? [index] : []));
}

/** The lesson webview's document: VS Code nests it in two iframes. */
function lessonFrame(wb: Parameters<UiTest['run']>[0]) {
  return wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

export const lessonTests: UiTest[] = [
  {
    name: 'a self-check answered "I didn\'t" brings the topic back as due for review the next day; its notes open from the lesson',
    run: async (wb, server) => {
      await wb.startFresh();
      await openClocksLesson(wb);
      const lesson = lessonFrame(wb);
      await lesson.locator('summary').first().click();
      await lesson.locator('[data-action="review"][data-answer="forgot"]').first().click();
      await eventually(async () => assert.match(await lesson.locator('#review-status').innerText(), /^Review: box 1 of 5, due again tomorrow\.$/), 30_000);
      const due = wb.row('Due for review');
      assert.equal(await due.isVisible(), false, 'nothing is due until tomorrow');
      // Tomorrow: the review's clock moved by the UI tests' own extension (test/ui/fixtures/review-clock).
      await wb.runCommand('Roadmap UI Tests: Move the Review Clock a Day On');
      await due.waitFor({ timeout: 30_000 });
      assert.match(await due.innerText(), /1 topic/);
      const row = wb.page.locator('.monaco-list-row[aria-level="2"]:has-text("Clocks and synchronization"):has-text("box 1")').first();
      await row.waitFor({ timeout: 15_000 });
      // The open lesson's review line follows, in place.
      await eventually(async () => assert.match(await lesson.locator('#review-status').innerText(), /^Review: box 1 of 5, due now\.$/), 15_000);
      await wb.screenshot('16-review-due');
      // Notes: created in the workspace's .roadmap/notes and opened beside the lesson.
      await lesson.locator('[data-action="openNotes"]').click();
      const file = join(server.dirs.workspace, '.roadmap', 'notes', 'clocks-synchronization.md');
      await eventually(() => Promise.resolve(assert.ok(existsSync(file), 'the notes file was not created')), 30_000);
      assert.match(readFileSync(file, 'utf8'), /^# Clocks and synchronization\n/);
      await wb.page.locator('.tab:has-text("clocks-synchronization.md")').waitFor({ timeout: 30_000 });
      await wb.screenshot('17-topic-notes');
      // Leave nothing due for the other tests: Reset Progress clears the review too.
      await wb.tryCommand('View: Close All Editors');
      await wb.startFresh();
      await eventually(async () => assert.equal(await due.isVisible(), false));
    },
  },
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
    name: 'Mark topic done updates the lesson in place: the scroll position, an opened answer and the page stay, the change is announced',
    run: async (wb) => {
      await wb.startFresh();
      await openClocksLesson(wb);
      const lesson = lessonFrame(wb);
      await eventually(async () => assert.equal(await lesson.locator('#mark-done').innerText(), 'Mark topic done'));
      await lesson.locator('summary').nth(1).click();
      // At the bottom, where the button is, so clicking it scrolls nothing; a mark on the page shows whether it was rendered again.
      const before = await lesson.locator('body').evaluate((body: LessonBody) => {
        const page = globalThis as unknown as LessonWindow;
        page.scrollTo(0, page.document.documentElement.scrollHeight);
        body.dataset.uiMark = 'same page';
        return page.scrollY;
      });
      assert.ok(before > 500, `the lesson scrolled only to ${before}`);
      await lesson.locator('#mark-done').click();
      await eventually(async () => assert.equal(await lesson.locator('#mark-done').innerText(), 'Mark topic not done'));
      assert.equal(await lesson.locator('#status').innerText(), 'Clocks and synchronization: marked done.');
      const after = await lesson.locator('body').evaluate((body: LessonBody) => {
        const page = globalThis as unknown as LessonWindow;
        return { y: page.scrollY, mark: body.dataset.uiMark, focused: page.document.activeElement?.id };
      });
      assert.deepEqual(after, { y: before, mark: 'same page', focused: 'mark-done' });
      assert.equal(await lesson.locator('[data-answer="1"]').isVisible(), true);
      const openBefore = await openAnswers(wb);
      assert.ok(openBefore.includes(1), 'the second answer was not open before the mark');
      assert.equal(await lesson.locator('#mark-done-next').isVisible(), false);
      await wb.screenshot('14-lesson-after-mark-done');
      // Another tab in front, then the lesson again: VS Code rebuilt the page from its saved state.
      await wb.runCommand('Help: Welcome');
      await wb.page.locator('.tab.active:has-text("Welcome")').waitFor();
      await wb.page.locator('.tab:has-text("Clocks and synchronization")').click();
      await eventually(async () => {
        const back = await lessonFrame(wb)
          .locator('body')
          .evaluate((body: LessonBody) => ({ y: (globalThis as unknown as LessonWindow).scrollY, mark: body.dataset.uiMark ?? 'a new page' }));
        assert.deepEqual(back, { y: before, mark: 'a new page' });
      });
      // The same answers open as before the switch (answer 1, and any an earlier test opened).
      assert.deepEqual(await openAnswers(wb), openBefore);
      await wb.page.locator('.tab:has-text("Welcome")').click({ button: 'middle' });
    },
  },
  {
    name: '"Mark done & next" marks the topic and opens the next one; after the last topic of a step, Next goes on into the next step',
    run: async (wb) => {
      await wb.startFresh();
      await wb.runCommand('Roadmap: Go to Topic…');
      const input = wb.page.locator('.quick-input-widget input');
      await input.fill('Agreement: two generals');
      await wb.page.locator('.quick-input-list .monaco-list-row.focused:has-text("Agreement: two generals")').waitFor();
      await input.press('Enter');
      const lesson = lessonFrame(wb);
      await lesson.locator('h1:text-is("Agreement: two generals, Byzantine generals and FLP")').waitFor({ timeout: 30_000 });
      assert.match(await lesson.locator('button[data-action="openTopic"]').last().innerText(), /^Next topic, in step 2: /);
      await lesson.locator('#mark-done-next').click();
      await lesson.locator('.eyebrow:has-text("Step 2: Networks and Communication")').waitFor({ timeout: 30_000 });
      await wb.expandStep('Fundamentals of Distributed Systems', 'Agreement: two generals, Byzantine generals and FLP');
      await eventually(async () => assert.match(await wb.row('Agreement: two generals, Byzantine generals and FLP').innerText(), /done/));
    },
  },
  {
    name: 'an open lesson comes back after a reload of the window, with its opened answer',
    run: async (wb) => {
      await openClocksLesson(wb);
      const answer = lessonFrame(wb).locator('[data-answer="2"]');
      if (!(await answer.isVisible())) {
        await lessonFrame(wb).locator('summary').nth(2).click();
        await eventually(async () => assert.equal(await answer.isVisible(), true));
      }
      // As a learner restarts: through the workbench, which saves the editors' state first (a bare page reload may lose the last seconds of it).
      const reloaded = wb.page.waitForEvent('load', { timeout: 60_000 });
      await wb.runCommand('Developer: Reload Window');
      await reloaded;
      await wb.waitReady();
      // Restored by VS Code and the extension's serializer, without opening it again.
      await lessonFrame(wb).locator('h1:text-is("Clocks and synchronization")').waitFor({ timeout: 60_000 });
      await eventually(async () => assert.equal(await lessonFrame(wb).locator('[data-answer="2"]').isVisible(), true, 'the opened answer was not restored'));
      await wb.screenshot('15-lesson-after-reload');
    },
  },
  {
    name: 'the lesson follows a dark theme',
    run: async (wb) => {
      await openClocksLesson(wb);
      const dark = async () => (await wb.page.locator('.monaco-workbench.vs-dark').count()) > 0;
      // From whichever theme the window has: the test switches to a dark one and back only when it was light.
      const wasLight = !(await dark());
      if (wasLight) {
        await wb.runCommand('Preferences: Toggle between Light/Dark Themes');
      }
      await eventually(async () => assert.ok(await dark(), 'the workbench did not turn dark'));
      await lessonFrame(wb).locator('h1').scrollIntoViewIfNeeded();
      await wb.page.waitForTimeout(1000);
      await wb.screenshot('06-lesson-dark');
      if (wasLight) {
        await wb.runCommand('Preferences: Toggle between Light/Dark Themes');
        await eventually(async () => assert.ok(!(await dark()), 'the workbench did not turn light again'));
      }
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
      // The brief, Scaffold, README, then one step per milestone of the compiled curriculum.
      await eventually(async () => assert.equal(await steps.count(), 3 + milestoneCount('fault-tolerant-db')));
      await wb.page.locator('.getting-started-step[data-step-id$="#scaffold"]').click();
      await wb.page.locator('.monaco-button:has-text("Scaffold Project")').first().waitFor();
      await wb.page.waitForTimeout(1500);
      await wb.screenshot('08-walkthrough-project');
    },
  },
  {
    name: "the Welcome page lists the current step's walkthrough only; Mark Done in it ticks the topic in the tree",
    run: async (wb) => {
      await wb.startFresh();
      // Step 1 done: step 2 is the current one.
      await wb.tickStep('Fundamentals of Distributed Systems');
      await eventually(async () => assert.equal(await wb.checkbox('Fundamentals of Distributed Systems').getAttribute('aria-checked'), 'true'));
      // Focus the workbench, not the walkthrough page the last test left focused.
      await wb.stepRow('Networks and Communication').click();
      await wb.runCommand('Help: Welcome');
      await wb.page.locator('.getting-started-category:has-text("Distributed Systems Roadmap: Start Here")').first().waitFor({ timeout: 20_000 });
      // VS Code's list of every walkthrough the Welcome page offers: of the roadmap's steps, only step 2.
      await wb.runCommand('Welcome: Open Walkthrough...');
      const input = wb.page.locator('.quick-input-widget input');
      await input.fill('Step ');
      const offered = wb.page.locator('.quick-input-list .monaco-list-row');
      await eventually(async () => {
        const labels = await Promise.all((await offered.all()).map(async (row) => (await row.locator('.label-name').first().innerText()).trim()));
        assert.deepEqual(
          labels.filter((label) => /^Step \d/.test(label)),
          ['Step 2: Networks and Communication'],
        );
      });
      await wb.page.locator('.quick-input-list .monaco-list-row.focused:has-text("Step 2: Networks and Communication")').waitFor();
      await input.press('Enter');
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
      assert.ok(existsSync(join(folder, 'test', 'm1-single-node-wal.test.ts')), 'the first milestone test was not written');
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
      await scaffoldFromPalette(wb, 'Distributed file-sharing system', 'file-sharing', name);
      // Another test's README may be open already: the files on disk say this scaffold is done.
      await eventually(
        () =>
          Promise.resolve(
            assert.ok(existsSync(join(server.dirs.workspace, name, 'test', 'm1-chunking-manifests.test.ts')), 'the first milestone test was not written'),
          ),
        60_000,
      );
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
      await wb.tryCommand('View: Hide Panel');
      await wb.tryCommand('View: Close All Editors');
      await wb.openRoadmap();
    },
  },
  {
    name: 'a milestone whose live test cannot run here is unverified, never passed: the warning, and the tree row with its reason',
    // npm install in the scaffold, then a check of milestones 1-7 (about a minute alone, more on a busy machine).
    timeoutMs: 420_000,
    run: async (wb, server) => {
      // The microservices reference solution, scaffolded and completed: milestone 7's static checks
      // pass, and its live test skips itself without a Kubernetes cluster (none on this machine);
      // milestone 6's live container test skips too (ROADMAP_NO_DOCKER=1, run-ui.ts).
      const name = `microservices-${Date.now().toString(36)}`;
      const folder = join(server.dirs.workspace, name);
      await scaffoldFromPalette(wb, 'Microservices on Docker and Kubernetes', 'microservices', name);
      await eventually(
        () => Promise.resolve(assert.ok(existsSync(join(folder, 'test', 'm7-kubernetes.test.ts')), 'the last milestone test was not written')),
        60_000,
      );
      await wb.page.locator('.part.sidebar .composite.title:has-text("Explorer")').waitFor({ timeout: 30_000 });
      cpSync(join(__dirname, '..', 'templates', 'microservices', 'reference'), folder, { recursive: true });
      const install = spawnSync('npm', ['install', '--include=dev', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: folder, encoding: 'utf8' });
      assert.equal(install.status, 0, `npm install in the scaffold failed:\n${install.stderr}`);
      await wb.tryCommand('View: Close All Editors');
      await wb.openRoadmap();
      // Check milestone 7 from the Command Palette's picker.
      const input = wb.page.locator('.quick-input-widget input');
      await wb.runCommand('Roadmap: Check Project Milestone…');
      await input.fill('7. Kubernetes');
      await wb.page.locator('.quick-input-list .monaco-list-row:has-text("Microservices on Docker and Kubernetes")').first().waitFor();
      await input.press('Enter');
      const warning = wb.page.locator('.notification-toast:has-text("is unverified")');
      await warning.waitFor({ timeout: 180_000 });
      assert.match(
        await warning.innerText(),
        /"Kubernetes" is unverified: no test failed, but \d+ of \d+ did not run, so it is not recorded as done\..*no Kubernetes cluster context/s,
      );
      // The tree: the milestone says unverified with the skipped icon, is not ticked, and its tooltip gives the reason.
      await wb.expandStep('Hands-On Projects', 'Microservices on Docker and Kubernetes');
      const project = wb.row('Microservices on Docker and Kubernetes');
      if ((await project.getAttribute('aria-expanded')) !== 'true') {
        await project.locator('.monaco-tl-twistie').first().click();
      }
      const milestone = wb.page.locator('.pane-body .monaco-list-row:has-text("Kubernetes"):has-text("unverified")').first();
      await milestone.waitFor({ timeout: 30_000 });
      assert.equal(await milestone.locator('.codicon-circle-slash').count(), 1, 'the unverified milestone has no circle-slash icon');
      assert.doesNotMatch(await milestone.innerText(), /verified \d{4}-/, 'the milestone shows as verified');
      await milestone.hover();
      const hover = wb.page.locator('.monaco-hover:visible, .workbench-hover:visible').first();
      await hover.waitFor({ timeout: 15_000 });
      assert.match(await hover.innerText(), /no Kubernetes cluster context/);
      await wb.screenshot('18-unverified-milestone');
      await wb.dismiss();
      await wb.tryCommand('View: Close All Editors');
    },
  },
];

/**
 * Scaffold Project… from the Command Palette: the project by its title, a new folder in the
 * workspace whose proposed name must be `proposed`, renamed to `name`. Returns once the name is
 * entered; the files are written after.
 */
async function scaffoldFromPalette(wb: Workbench, title: string, proposed: string, name: string): Promise<void> {
  // On a page just opened, the extension's commands reach the palette once its view has loaded.
  if (!(await wb.stepRow('Fundamentals of Distributed Systems').isVisible())) {
    await wb.openRoadmapFromActivityBar();
  }
  await wb.runCommand('Roadmap: Scaffold Project…');
  const input = wb.page.locator('.quick-input-widget input');
  await wb.page.locator(`.quick-input-list .monaco-list-row:has-text("${title}")`).first().waitFor();
  await input.fill(title);
  await input.press('Enter');
  await wb.page.locator('.quick-input-list .monaco-list-row.focused:has-text("New folder in")').first().waitFor();
  await input.press('Enter');
  await eventually(async () => assert.equal(await input.inputValue(), proposed));
  await input.fill(name);
  await input.press('Enter');
}

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
        // A click that lands while the other window's change redraws the step's rows may never reach
        // the extension: the box can even show ticked until the redraw puts it back. So each window's
        // own tick is confirmed where the extension says it (the row's "done"), and only a tick the
        // extension never took is made again; once a row says done nothing touches it, so what
        // follows is the store's doing alone.
        for (const [window, topic] of ticks) {
          const row = window.row(topic);
          const box = row.locator('[role="checkbox"]');
          for (let attempt = 1; !/done/.test(await row.innerText()) && attempt <= 3; attempt++) {
            try {
              await eventually(async () => assert.match(await row.innerText(), /done/), 5_000);
            } catch {
              if ((await box.getAttribute('aria-checked')) !== 'true') {
                await box.click();
              }
            }
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
      assert.match(await wb.statusBarText(), NOTHING_DONE, "the repository's progress file changed the learner's progress");
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
      assert.match(await wb.statusBarText(), NOTHING_DONE, "the workspace's own setting turned the copy on once trusted");
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

export const continueTests: UiTest[] = [
  {
    name: "Continue opens the next item from three progress states: from the status bar, the keybinding and the roadmap view's button",
    run: async (wb) => {
      const curriculum = shippedCurriculum();
      const [fundamentals, networks] = curriculum.steps;
      const lesson = lessonFrame(wb);
      const heading = (title: string) => lesson.locator(`h1:text-is("${title}")`);
      await wb.startFresh();
      // Nothing done: the status bar opens the first topic.
      await wb.page.locator('.statusbar-item:has-text("Roadmap")').first().click();
      await heading(fundamentals.topics[0].title).waitFor({ timeout: 30_000 });
      // The first two topics done: the third, from the keyboard in the roadmap.
      await wb.expandStep(fundamentals.title, fundamentals.topics[1].title);
      for (const topic of fundamentals.topics.slice(0, 2)) {
        await wb.row(topic.title).locator('[role="checkbox"]').click();
        await eventually(async () => assert.match(await wb.row(topic.title).innerText(), /done/));
      }
      await eventually(async () => assert.match(await wb.statusBarText(), /^Roadmap 2\/\d+ · \d+%$/));
      await wb.stepRow(networks.title).click();
      await wb.page.keyboard.press('Control+Alt+N');
      await heading(fundamentals.topics[2].title).waitFor({ timeout: 30_000 });
      // Step 1 complete: the first topic of step 2, from the button at the top of the roadmap view.
      await wb.tickStep(fundamentals.title);
      const total = Number(/\/(\d+)/.exec(await wb.statusBarText())?.[1]);
      const done = fundamentals.topics.length;
      await eventually(async () => assert.equal(await wb.statusBarText(), `Roadmap ${done}/${total} · ${Math.floor((done * 100) / total)}%`));
      await wb.roadmapViewAction('Continue Studying');
      await heading(networks.topics[0].title).waitFor({ timeout: 30_000 });
      await wb.screenshot('16-continue-next-step');
    },
  },
];

export const planTests: UiTest[] = [
  {
    name: 'the Plan view shows the hours left and the projected finish of each step, as the core computes them for the day and the pace set',
    run: async (wb, server) => {
      // The learner's pace, in the workspace's settings: 10 h a week since a fixed day.
      const settingsFile = join(server.dirs.workspace, '.vscode', 'settings.json');
      mkdirSync(join(server.dirs.workspace, '.vscode'), { recursive: true });
      const before = existsSync(settingsFile) ? (JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>) : {};
      writeFileSync(settingsFile, JSON.stringify({ ...before, 'dsRoadmap.plan.hoursPerWeek': 10, 'dsRoadmap.plan.startDate': '2026-10-01' }));
      try {
        await wb.startFresh();
        const nothing = { isDone: () => false, get: () => undefined };
        const expected = planRows(studyPlan(shippedCurriculum(), nothing, { hoursPerWeek: 10, startDate: '2026-10-01' }, new Date()));
        const header = wb.page.locator('.part.sidebar .pane-header:has-text("Plan")').first();
        if ((await header.getAttribute('aria-expanded')) !== 'true') {
          await header.click();
        }
        // The roadmap collapsed, so the Plan view has the height to draw every row.
        await setPaneExpanded(wb, 'Roadmap', false);
        const rows = wb.page.locator('.pane:has(.pane-header:has-text("Plan")) .monaco-list-row');
        await eventually(async () => {
          const shown = await Promise.all(
            (await rows.all()).map(async (row) => `${await row.locator('.label-name').innerText()} | ${await row.locator('.label-description').innerText()}`),
          );
          assert.deepEqual(
            shown,
            expected.map((row) => `${row.label} | ${row.description}`),
          );
        }, 30_000);
        assert.match(expected[2].description, /^\d+(\.\d)? h left · \d{4}-\d{2}-\d{2} · (ahead|on track|behind)$/);
        await wb.page.mouse.move(1000, 600);
        await wb.screenshot('17-plan', wb.page.locator('.part.sidebar'));
      } finally {
        writeFileSync(settingsFile, JSON.stringify(before));
        // Collapsed again, so the roadmap has the side bar's height for the tests after this one.
        await setPaneExpanded(wb, 'Plan', false);
        await setPaneExpanded(wb, 'Roadmap', true);
      }
    },
  },
];

/** Expands or collapses one view of the roadmap's side bar by its header. */
async function setPaneExpanded(wb: Parameters<UiTest['run']>[0], title: string, expanded: boolean): Promise<void> {
  const header = wb.page.locator(`.part.sidebar .pane-header:has-text("${title}")`).first();
  if ((await header.count()) > 0 && ((await header.getAttribute('aria-expanded')) === 'true') !== expanded) {
    await header.click();
    await eventually(async () => assert.equal(await header.getAttribute('aria-expanded'), String(expanded)));
  }
}
