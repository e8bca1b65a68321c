// "Check Project Milestone…": runs a milestone's tests and every earlier milestone's with Node in a
// VS Code task (the learner watches the output), reads node:test's TAP report, and records a pass
// as verified completion with its evidence, or the failing tests.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { nodeExecutable } from '../config';
import { BuiltInCommands, CHECK_TASK_TYPE } from '../constants';
import { checkCommand, compareVersions, judgeRun, type CheckOutcome } from '../core/check/outcome';
import { parseTap } from '../core/check/tap';
import { findProject, type Milestone, type Project } from '../core/curriculum/model';
import { milestoneKey } from '../core/curriculum/model';
import type { LoadedRoadmap, RoadmapContext } from '../roadmap/roadmap';

export interface MilestoneRef {
  readonly project: string;
  readonly milestone: string;
}

/** Milestones whose check runs in this window now: a second check of one is refused, not merged into it. */
const running = new Set<string>();
/** How long a run stopped before its report was complete waits for Restart Task to start it again. */
const RESTART_GRACE_MS = 2000;
/** Reports of runs nobody read (a task re-run from the Tasks menu) are removed after this long. */
const STALE_REPORT_MS = 60 * 60 * 1000;

export async function checkMilestone(ctx: RoadmapContext, roadmap: LoadedRoadmap, ref: MilestoneRef | undefined): Promise<CheckOutcome | undefined> {
  if (!vscode.workspace.isTrusted) {
    const manage = vscode.l10n.t('Manage Workspace Trust');
    const choice = await vscode.window.showErrorMessage(
      vscode.l10n.t(
        "Checking a milestone runs the project's tests, which executes its code, and this workspace is not trusted. Trust the workspace to check milestones.",
      ),
      manage,
    );
    if (choice === manage) {
      await vscode.commands.executeCommand(BuiltInCommands.manageWorkspaceTrust);
    }
    return undefined;
  }
  const target = ref ? resolveRef(roadmap, ref) : await pickMilestone(roadmap);
  if (!target) {
    return undefined;
  }
  const { project, milestone } = target;
  const key = milestoneKey(project.id, milestone.id);
  if (running.has(key)) {
    void vscode.window.showWarningMessage(vscode.l10n.t('"{0}" is being checked already; its result shows when that run ends.', milestone.title));
    return undefined;
  }
  running.add(key);
  try {
    return await checkTarget(ctx, roadmap, project, milestone, key);
  } finally {
    running.delete(key);
  }
}

async function checkTarget(
  ctx: RoadmapContext,
  roadmap: LoadedRoadmap,
  project: Project,
  milestone: Milestone,
  key: string,
): Promise<CheckOutcome | undefined> {
  const template = (await ctx.templates()).find((candidate) => candidate.project === project.id);
  if (!template) {
    throw new Error(vscode.l10n.t('The template of "{0}" is not available in this version of the extension.', project.title));
  }
  const folder = await projectFolder(roadmap, project);
  if (!folder) {
    return undefined;
  }
  const workspaceFolder = vscode.workspace.getWorkspaceFolder(folder);
  if (!workspaceFolder) {
    throw new Error(vscode.l10n.t('{0} is outside the open workspace: open it, or add it to the workspace, to check it.', folder.fsPath));
  }
  const node = nodeExecutable();
  const nodeVersion = await findNode(node, folder.fsPath);
  if (compareVersions(nodeVersion, template.minNodeVersion) < 0) {
    throw new Error(
      vscode.l10n.t(
        'This project needs Node.js {0} or later, which runs TypeScript directly; "{1}" is Node.js {2}. Install a newer Node.js, or set dsRoadmap.nodePath to one.',
        template.minNodeVersion,
        node,
        nodeVersion,
      ),
    );
  }

  await mkdir(ctx.scratchDir, { recursive: true });
  await removeStaleReports(ctx.scratchDir);
  const runId = randomUUID();
  const tapFile = join(ctx.scratchDir, `check-${runId}.tap`);
  const command = checkCommand(template, milestone.id, tapFile);
  ctx.log.info(`Checking ${key} in ${folder.fsPath}: node ${command.args.join(' ')}`);
  const readReport = () => readFile(tapFile, 'utf8').then(parseTap, () => undefined);
  let exitCode: number | undefined;
  let report: Awaited<ReturnType<typeof readReport>>;
  try {
    exitCode = await runTask(workspaceFolder, folder, project, milestone, runId, node, command.args, async () => (await readReport())?.summary !== undefined);
    report = await readReport();
  } finally {
    await rm(tapFile, { force: true });
  }
  const outcome = judgeRun(exitCode, report);
  await recordOutcome(roadmap, key, outcome, { node: nodeVersion, folder: folder.fsPath, milestones: command.milestones.length });
  ctx.log.info(`Check of ${key}: ${JSON.stringify(outcome)}`);
  showOutcome(milestone, command.milestones.length, outcome);
  return outcome;
}

function resolveRef(roadmap: LoadedRoadmap, ref: MilestoneRef): { project: Project; milestone: Milestone } {
  const project = findProject(roadmap.curriculum, ref.project);
  const milestone = project?.milestones?.find((candidate) => candidate.id === ref.milestone);
  if (!project || !milestone) {
    throw new Error(vscode.l10n.t('"{0}/{1}" is not a project milestone of the roadmap.', ref.project, ref.milestone));
  }
  return { project, milestone };
}

async function pickMilestone(roadmap: LoadedRoadmap): Promise<{ project: Project; milestone: Milestone } | undefined> {
  const items = roadmap.curriculum.steps
    .flatMap((step) => step.projects ?? [])
    .flatMap((project) =>
      (project.milestones ?? []).map((milestone, index) => ({
        label: `${index + 1}. ${milestone.title}`,
        description: project.title,
        detail: milestone.goal,
        project,
        milestone,
      })),
    );
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Check Project Milestone'),
    placeHolder: vscode.l10n.t('Choose the milestone to check'),
    matchOnDescription: true,
  });
  return picked && { project: picked.project, milestone: picked.milestone };
}

/** Where the project was scaffolded, or a folder the learner points to (then remembered). */
async function projectFolder(roadmap: LoadedRoadmap, project: Project): Promise<vscode.Uri | undefined> {
  const recorded = roadmap.projects.scaffold(project.id);
  if (recorded) {
    const uri = vscode.Uri.parse(recorded.folder);
    const exists = await Promise.resolve(vscode.workspace.fs.stat(uri)).then(
      () => true,
      () => false,
    );
    if (exists) {
      return uri;
    }
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Check This Project'),
    title: vscode.l10n.t('Where is your {0} project?', project.title),
  });
  if (!picked?.[0]) {
    return undefined;
  }
  await roadmap.projects.recordScaffold(project.id, { folder: picked[0].toString(), at: new Date().toISOString() });
  return picked[0];
}

function findNode(node: string, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(node, ['--version'], { cwd, timeout: 15_000 }, (error, stdout) => {
      if (error) {
        reject(
          new Error(
            vscode.l10n.t(
              'Node.js could not be run as "{0}" ({1}). Install Node.js 22.18 or later, or set dsRoadmap.nodePath to its executable.',
              node,
              error.message,
            ),
          ),
        );
      } else {
        resolve(stdout.trim());
      }
    });
  });
}

/**
 * Runs the tests as a task in a visible terminal; resolves with the exit code of the run's last
 * process, undefined when it was stopped. The run is known by its own id in the task definition,
 * never by the task's name: VS Code hands back a running execution when an equal task starts
 * again, and Restart Task starts a new process of the same run, which is followed to its end.
 */
async function runTask(
  scope: vscode.WorkspaceFolder,
  folder: vscode.Uri,
  project: Project,
  milestone: Milestone,
  runId: string,
  node: string,
  args: readonly string[],
  reportComplete: () => Promise<boolean>,
): Promise<number | undefined> {
  const task = new vscode.Task(
    { type: CHECK_TASK_TYPE, project: project.id, milestone: milestone.id, run: runId },
    scope,
    vscode.l10n.t('Check {0}: {1}', project.title, milestone.title),
    'Roadmap',
    new vscode.ProcessExecution(node, [...args], { cwd: folder.fsPath }),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, clear: true, panel: vscode.TaskPanelKind.Dedicated };
  const ours = (execution: vscode.TaskExecution) => execution.task.definition.type === CHECK_TASK_TYPE && execution.task.definition.run === runId;
  let finish: (exitCode: number | undefined) => void = () => undefined;
  const ended = new Promise<number | undefined>((resolve) => (finish = resolve));
  let pending: NodeJS.Timeout | undefined;
  let lastExit: number | undefined;
  /** Counts the run's processes: what a stopped process set in motion is dropped once a restart began. */
  let generation = 0;
  const endLater = (from: number) => {
    clearTimeout(pending);
    pending = setTimeout(() => from === generation && finish(lastExit), RESTART_GRACE_MS);
  };
  const listeners = [
    vscode.tasks.onDidStartTaskProcess((event) => {
      if (ours(event.execution)) {
        clearTimeout(pending); // Restart Task: this process is the run now.
        generation++;
        lastExit = undefined;
      }
    }),
    vscode.tasks.onDidEndTaskProcess((event) => {
      if (!ours(event.execution)) {
        return;
      }
      const from = generation;
      lastExit = event.exitCode;
      void reportComplete().then((complete) => {
        if (from === generation) {
          if (complete) {
            finish(lastExit);
          } else {
            endLater(from);
          }
        }
      });
    }),
    // A task whose process never started ends without a process event.
    vscode.tasks.onDidEndTask((event) => {
      if (ours(event.execution)) {
        endLater(generation);
      }
    }),
  ];
  try {
    const execution = await vscode.tasks.executeTask(task);
    if (!ours(execution)) {
      throw new Error(vscode.l10n.t('Another run of "{0}" is under way in this window; wait for it to end, then check again.', task.name));
    }
    return await ended;
  } finally {
    clearTimeout(pending);
    for (const listener of listeners) {
      listener.dispose();
    }
  }
}

/** Removes the reports of runs nobody read: a check task run again from the Tasks menu writes one. */
async function removeStaleReports(dir: string): Promise<void> {
  const now = Date.now();
  const names: string[] = await readdir(dir).catch(() => []);
  for (const name of names) {
    if (/^check-[0-9a-f-]{36}\.tap$/.test(name)) {
      const path = join(dir, name);
      const modified = await stat(path).then(
        (info) => info.mtimeMs,
        () => now,
      );
      if (now - modified > STALE_REPORT_MS) {
        await rm(path, { force: true });
      }
    }
  }
}

async function recordOutcome(
  roadmap: LoadedRoadmap,
  key: string,
  outcome: CheckOutcome,
  context: { node: string; folder: string; milestones: number },
): Promise<void> {
  const at = new Date().toISOString();
  if (outcome.kind === 'passed') {
    const commit = await gitCommit(context.folder);
    const evidence: Record<string, string | number> = {
      tests: outcome.tests,
      milestones: context.milestones,
      node: context.node,
      ...(commit ? { commit } : {}),
    };
    await roadmap.progress.setDone(key, true, 'verified', evidence);
    await roadmap.projects.recordCheck(key, { at, outcome: 'passed', summary: vscode.l10n.t('{0} tests passed', outcome.tests) });
  } else if (outcome.kind === 'failed') {
    await roadmap.projects.recordCheck(key, {
      at,
      outcome: 'failed',
      summary: vscode.l10n.t('{0} of {1} tests failed', outcome.failed, outcome.tests),
      failures: outcome.failures.slice(0, 20),
    });
  } else {
    await roadmap.projects.recordCheck(key, { at, outcome: 'crashed', summary: outcome.reason });
  }
}

/** The project's HEAD commit when it is a git repository; never fails the check. */
function gitCommit(cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, timeout: 10_000 }, (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined));
  });
}

function showOutcome(milestone: Milestone, milestones: number, outcome: CheckOutcome): void {
  if (outcome.kind === 'passed') {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('"{0}" verified: {1} tests passed across {2} milestone(s).', milestone.title, outcome.tests, milestones),
    );
  } else if (outcome.kind === 'failed') {
    const names = outcome.failures.slice(0, 3).join('; ');
    void vscode.window.showErrorMessage(
      vscode.l10n.t('"{0}" is not verified yet: {1} of {2} tests failed. {3}', milestone.title, outcome.failed, outcome.tests, names),
    );
  } else {
    void vscode.window.showErrorMessage(vscode.l10n.t('"{0}" could not be checked: {1}.', milestone.title, outcome.reason));
  }
}
