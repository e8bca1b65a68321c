// Helpers for driving the real VS Code workbench in Chromium: the roadmap view, its rows, the
// Command Palette and dialogs, and screenshots under test-results/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

export const RESULTS_DIR = join(__dirname, '..', '..', 'test-results');

/** The status bar with no progress: "Roadmap 0/<topics and one project's milestones> · 0%". */
export const NOTHING_DONE = /^Roadmap 0\/\d+ · 0%$/;

export class Workbench {
  constructor(readonly page: Page) {}

  async waitReady(): Promise<void> {
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await this.page.waitForSelector('.activitybar .action-item', { timeout: 60_000 });
  }

  /** Shows the roadmap view: already there (a reload restores it), or through its command, which never toggles it closed. */
  async openRoadmap(): Promise<void> {
    const firstRow = this.stepRow('Fundamentals of Distributed Systems');
    // A view restored by a reload fills once the extension has activated, which a loaded machine takes a while to do.
    const restored = (await this.page.locator('.part.sidebar .composite.title:has-text("Distributed Systems")').count()) > 0;
    const shown = await firstRow.waitFor({ timeout: restored ? 60_000 : 5_000 }).then(
      () => true,
      () => false,
    );
    if (!shown) {
      await this.runCommand('Roadmap: Open Roadmap');
      await firstRow.waitFor({ timeout: 30_000 });
    }
  }

  /**
   * Starts a test from no progress, whatever the tests before it left: Reset Progress… answered
   * Reset, the status bar back at nothing done, notifications cleared, the roadmap shown.
   */
  async startFresh(): Promise<void> {
    await this.dismiss();
    // The roadmap first: on a page just opened, the extension's commands reach the palette once its view has loaded.
    await this.openRoadmap();
    await this.runCommand('Roadmap: Reset Progress…');
    await this.answerDialog('Reset');
    await eventually(async () => {
      if (!NOTHING_DONE.test(await this.statusBarText())) {
        throw new Error(`the status bar says ${await this.statusBarText()} after Reset Progress…`);
      }
    });
    await this.tryCommand('Notifications: Clear All Notifications');
    // Steps expanded by an earlier test push the lower rows out of the list, which draws only what shows.
    await this.roadmapViewAction('Collapse All');
  }

  /**
   * Clicks an action at the top of the roadmap view: in the side bar's title when the view is alone,
   * in its own header (shown on hover) when the Plan view shares the side bar.
   */
  async roadmapViewAction(label: string): Promise<void> {
    const header = this.page.locator('.part.sidebar .pane-header:has-text("Roadmap")').first();
    if ((await header.count()) > 0) {
      await header.hover();
      await header.locator(`.action-label[aria-label^="${label}"]`).first().click();
    } else {
      await this.page.locator(`.part.sidebar .title-actions .action-label[aria-label^="${label}"]`).first().click();
    }
  }

  /** Opens the roadmap the way a learner first does: its activity bar entry (the entry, since its badge covers the link). */
  async openRoadmapFromActivityBar(): Promise<void> {
    await this.page.locator('.activitybar .action-item:has(a[aria-label*="Distributed Systems"])').click({ timeout: 60_000 });
    await this.stepRow('Fundamentals of Distributed Systems').waitFor({ timeout: 30_000 });
  }

  /** The tree row of a step, found by its label. */
  stepRow(title: string): Locator {
    return this.page.locator(`.monaco-list-row[aria-level="1"]:has(.monaco-icon-label[aria-label="${title}"])`);
  }

  /**
   * Expands a step until the row of one of its children shows. A refresh of the tree (a progress
   * change a moment before) can swallow the click or redraw the row collapsed: then it tries again.
   */
  async expandStep(stepTitle: string, childTitle: string): Promise<void> {
    for (let attempt = 1; !(await this.row(childTitle).isVisible()); attempt++) {
      await this.stepRow(stepTitle).click();
      await this.page.keyboard.press('ArrowRight');
      try {
        await this.row(childTitle).waitFor({ timeout: 3000 });
      } catch (error) {
        if (attempt === 4) {
          throw error;
        }
      }
    }
  }

  row(title: string): Locator {
    return this.page.locator(`.monaco-list-row:has(.monaco-icon-label[aria-label="${title}"])`).first();
  }

  async stepRows(): Promise<{ label: string; description: string; checked: string | null }[]> {
    const rows = await this.page.locator('.pane-body .monaco-list-row[aria-level="1"]').all();
    return Promise.all(
      rows.map(async (row) => ({
        label: await row.locator('.label-name').innerText(),
        description: (await row.locator('.label-description').count()) > 0 ? await row.locator('.label-description').innerText() : '',
        checked: await row.locator('[role="checkbox"]').getAttribute('aria-checked'),
      })),
    );
  }

  /** Ticks a step's box and says yes to marking its topics left done. */
  async tickStep(title: string): Promise<void> {
    await this.checkbox(title).click();
    await this.answerDialog('Mark Topics Done');
  }

  checkbox(title: string): Locator {
    return this.stepRow(title).locator('[role="checkbox"]');
  }

  async statusBarText(): Promise<string> {
    return (await this.page.locator('.statusbar-item:has-text("Roadmap")').first().innerText()).trim();
  }

  /** Runs a command if the palette knows it; for tidying the layout, never a test's verdict. */
  async tryCommand(title: string): Promise<void> {
    await this.runCommand(title, 15_000).catch(() => this.dismiss());
  }

  async runCommand(title: string, timeoutMs = 60_000): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    const row = this.page.locator(`.quick-input-list .monaco-list-row.focused:has-text("${title}")`).first();
    // The palette can fail to take the text: a webview (a lesson, a walkthrough) holding the focus
    // keeps F1 to itself, and just after a reload the workbench briefly marks the palette inert. And
    // an open palette lists the commands known when it opened: just after the window starts, an
    // extension's commands may come a moment later. Either way the palette is closed, the workbench
    // focused, and the palette opened again, until the command shows or the time is up.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.page.keyboard.press('F1');
      const found = await input
        .waitFor({ timeout: 5_000 })
        .then(() => input.fill(`>${title}`, { timeout: 5_000 }))
        // Enter runs the focused row: wait until the list has filtered down to this command, not just shows it.
        .then(() => row.waitFor({ timeout: 10_000 }))
        .then(
          () => true,
          (error: unknown) => {
            if (Date.now() > deadline) {
              throw error;
            }
            return false;
          },
        );
      if (found) {
        break;
      }
      await this.page.keyboard.press('Escape');
      await this.page.locator('.part.statusbar').click({ position: { x: 700, y: 10 } });
    }
    await this.page.keyboard.press('Enter');
  }

  async contextMenu(row: Locator, item: string): Promise<void> {
    await row.click({ button: 'right' });
    const menu = this.page.locator('.monaco-menu-container:visible');
    await menu.waitFor({ timeout: 10_000 });
    const entry = menu.locator(`.action-menu-item:has(.action-label:text-is("${item}"))`).first();
    // The menu sometimes lays itself out again just after opening and swallows the first click.
    for (let attempt = 1; ; attempt++) {
      await entry.hover();
      await entry.click();
      const closed = await menu.waitFor({ state: 'hidden', timeout: 3_000 }).then(
        () => true,
        () => false,
      );
      if (closed) {
        return;
      }
      if (attempt === 3) {
        throw new Error(`the context menu entry "${item}" did not respond to three clicks`);
      }
    }
  }

  /** Closes whatever menu, quick input or hover is open, so the next step starts clean. */
  async dismiss(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Escape');
  }

  async answerDialog(button: string): Promise<void> {
    const dialog = this.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.locator(`.monaco-button:has-text("${button}")`).first().click();
  }

  async screenshot(name: string, clip?: Locator): Promise<string> {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const path = join(RESULTS_DIR, `${name}.png`);
    if (clip) {
      await clip.screenshot({ path });
    } else {
      await this.page.screenshot({ path });
    }
    return path;
  }
}

/** Polls until `check` passes or the time is up; the last error explains a failure. */
export async function eventually(check: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
