// "Check Project Milestone…" and the Testing view's runs: a milestone's tests and every earlier
// milestone's run with Node in a VS Code task (the learner watches the output); node:test's TAP
// report gives the verdict, recorded as verified completion with its evidence or as the failing
// tests, and our JSON-lines reporter gives each test's result while the run goes on.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import { nodeExecutable } from '../config';
import { findNode } from './nodeVersion';
import { BuiltInCommands, CHECK_TASK_TYPE, Commands } from '../constants';
import { failuresInARow, hintsToShow, type HintsToShow } from '../core/check/hints';
import { checkCommand, compareVersions, judgeRun, singleTestCommand, type CheckOutcome, type EventReport } from '../core/check/outcome';
import { parseTap } from '../core/check/tap';
import { TestEventReader, type TestEvent } from '../core/check/testEvents';
import { findProject, findTopic, type Milestone, type Project } from '../core/curriculum/model';
import { milestoneKey } from '../core/curriculum/model';
import type { CompiledTemplate } from '../core/scaffold/template';
import type { CheckRecord } from '../core/progress/projectRecords';
import type { LoadedRoadmap, RoadmapContext } from '../roadmap/roadmap';

export interface MilestoneRef {
  readonly project: string;
  readonly milestone: string;
}

/** Who watches a run as it goes (the Testing view); the Check command has none. */
export interface RunObserver {
  /** The events of the report lines written since the last call. */
  onEvents(events: readonly TestEvent[]): void;
  /** Stops the run (the Testing view's Stop button). */
  readonly token?: vscode.CancellationToken;
}

/** A finished milestone check: what was decided and recorded, and the hints it earned. */
export interface CheckResult {
  readonly outcome: CheckOutcome;
  /** The milestones whose tests ran, first to the checked one. */
  readonly milestones: readonly string[];
  readonly folder: vscode.Uri;
  readonly hints?: HintsToShow;
}

/** Milestones whose check runs in this window now: a second check of one is refused, not merged into it. */
const running = new Set<string>();
/**
 * How long a run stopped before its report was complete waits for Restart Task to start it again
 * (the task's start, which comes before its process's, ends the wait): long enough for a loaded
 * machine, short enough that a plain stop is reported soon.
 */
const RESTART_GRACE_MS = 5000;
/** Reports of runs nobody read (a task re-run from the Tasks menu) are removed after this long. */
const STALE_REPORT_MS = 60 * 60 * 1000;
/** How often the JSON-lines report is read while a run goes on. */
const REPORT_POLL_MS = 200;

/** The Check command: runs the check, then says how it went (with the hints it earned). */
export async function checkMilestone(ctx: RoadmapContext, roadmap: LoadedRoadmap, ref: MilestoneRef | undefined): Promise<CheckOutcome | undefined> {
  const target = await checkTarget(roadmap, ref);
  if (!target) {
    return undefined;
  }
  const result = await runMilestoneCheck(ctx, roadmap, target);
  if (result) {
    showOutcome(roadmap, target.milestone, result);
  }
  return result?.outcome;
}

/** Why nothing may run here, or undefined when running is allowed: Restricted Mode, a virtual folder. */
export function whyRunningIsRefused(folder: vscode.Uri | undefined): string | undefined {
  if (!vscode.workspace.isTrusted) {
    return vscode.l10n.t(
      "Checking a milestone runs the project's tests, which executes its code, and this workspace is not trusted. Trust the workspace to check milestones.",
    );
  }
  if (folder && folder.scheme !== 'file') {
    return vscode.l10n.t(
      'This project is in a virtual folder ({0}), where no process can run. Open a local copy of it (or one on a remote machine) to check milestones.',
      folder.scheme,
    );
  }
  return undefined;
}

/** Tells the learner why running is refused, with the way out; true when it was. */
async function refusedToRun(folder: vscode.Uri | undefined): Promise<boolean> {
  const reason = whyRunningIsRefused(folder);
  if (!reason) {
    return false;
  }
  if (!vscode.workspace.isTrusted) {
    const manage = vscode.l10n.t('Manage Workspace Trust');
    const choice = await vscode.window.showErrorMessage(reason, manage);
    if (choice === manage) {
      await vscode.commands.executeCommand(BuiltInCommands.manageWorkspaceTrust);
    }
  } else {
    void vscode.window.showErrorMessage(reason);
  }
  return true;
}

async function checkTarget(roadmap: LoadedRoadmap, ref: MilestoneRef | undefined): Promise<{ project: Project; milestone: Milestone } | undefined> {
  if (await refusedToRun(undefined)) {
    return undefined;
  }
  return ref ? resolveRef(roadmap, ref) : pickMilestone(roadmap);
}

/**
 * Checks one milestone: its tests and every earlier milestone's, in a task; records the verdict
 * (verified with evidence, or failing) and returns it. What the Check command and the Testing
 * view's "Check milestone" both run. Undefined when refused or cancelled before it ran.
 */
export async function runMilestoneCheck(
  ctx: RoadmapContext,
  roadmap: LoadedRoadmap,
  target: { readonly project: Project; readonly milestone: Milestone },
  observer?: RunObserver,
): Promise<CheckResult | undefined> {
  if (await refusedToRun(undefined)) {
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
    const setup = await prepareRun(ctx, roadmap, project);
    if (!setup) {
      return undefined;
    }
    const command = checkCommand(setup.template, milestone.id, setup.tapFile, setup.events);
    ctx.log.info(`Checking ${key} in ${setup.folder.fsPath}: node ${command.args.join(' ')}`);
    const { exitCode, report } = await runAndRead(setup, project, milestone, command.args, observer);
    const outcome = judgeRun(exitCode, report);
    const template = setup.template.milestones.find((candidate) => candidate.id === milestone.id);
    const failedInARow = await recordOutcome(roadmap, key, outcome, {
      node: setup.nodeVersion,
      folder: setup.folder.fsPath,
      milestones: command.milestones.length,
    });
    ctx.log.info(`Check of ${key}: ${JSON.stringify(outcome)}`);
    return { outcome, milestones: command.milestones, folder: setup.folder, hints: hintsToShow(template?.hints, failedInARow) };
  } finally {
    running.delete(key);
  }
}

/**
 * "Run this test only": one test of a milestone's test file, in a task like a check. Its verdict
 * is returned, never recorded: one test is no evidence of a milestone.
 */
export async function runSingleTest(
  ctx: RoadmapContext,
  roadmap: LoadedRoadmap,
  target: { readonly project: Project; readonly milestone: Milestone },
  test: { readonly file: string; readonly path: readonly string[] },
  observer?: RunObserver,
): Promise<CheckOutcome | undefined> {
  if (await refusedToRun(undefined)) {
    return undefined;
  }
  const setup = await prepareRun(ctx, roadmap, target.project);
  if (!setup) {
    return undefined;
  }
  const command = singleTestCommand(test.file, test.path, setup.tapFile, setup.events);
  ctx.log.info(`Running one test of ${target.project.id}/${target.milestone.id} in ${setup.folder.fsPath}: node ${command.args.join(' ')}`);
  const { exitCode, report } = await runAndRead(setup, target.project, target.milestone, command.args, observer);
  return judgeRun(exitCode, report);
}

interface RunSetup {
  readonly template: CompiledTemplate;
  readonly folder: vscode.Uri;
  readonly workspaceFolder: vscode.WorkspaceFolder;
  readonly node: string;
  readonly nodeVersion: string;
  readonly runId: string;
  readonly tapFile: string;
  readonly events: EventReport;
}

/** The template, the project's folder and a Node.js recent enough, and the run's report files; undefined when the learner cancelled. */
async function prepareRun(ctx: RoadmapContext, roadmap: LoadedRoadmap, project: Project): Promise<RunSetup | undefined> {
  const template = (await ctx.templates()).find((candidate) => candidate.project === project.id);
  if (!template) {
    throw new Error(vscode.l10n.t('The template of "{0}" is not available in this version of the extension.', project.title));
  }
  const folder = await projectFolder(roadmap, project);
  if (!folder || (await refusedToRun(folder))) {
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
  const reporter = pathToFileURL(vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'nodeTestReporter.mjs').fsPath).href;
  return {
    template,
    folder,
    workspaceFolder,
    node,
    nodeVersion,
    runId,
    tapFile: join(ctx.scratchDir, `check-${runId}.tap`),
    events: { reporter, file: join(ctx.scratchDir, `check-${runId}.jsonl`) },
  };
}

/** Runs the task, passing the report's events to `observer` as they are written; then reads the TAP verdict and removes both reports. */
async function runAndRead(
  setup: RunSetup,
  project: Project,
  milestone: Milestone,
  args: readonly string[],
  observer: RunObserver | undefined,
): Promise<{ exitCode: number | undefined; report: ReturnType<typeof parseTap> | undefined }> {
  const readReport = () => readFile(setup.tapFile, 'utf8').then(parseTap, () => undefined);
  const reader = new TestEventReader(setup.folder.fsPath);
  let reading = Promise.resolve();
  const readEvents = () =>
    (reading = reading.then(async () => {
      const text = await readFile(setup.events.file, 'utf8').catch(() => '');
      const events = reader.read(text);
      if (events.length > 0) {
        observer?.onEvents(events);
      }
    }));
  const poll = observer ? setInterval(() => void readEvents(), REPORT_POLL_MS) : undefined;
  try {
    const exitCode = await runTask(
      setup.workspaceFolder,
      setup.folder,
      project,
      milestone,
      setup.runId,
      setup.node,
      args,
      async () => (await readReport())?.summary !== undefined,
      observer?.token,
    );
    clearInterval(poll);
    if (observer) {
      await readEvents();
    }
    return { exitCode, report: await readReport() };
  } finally {
    clearInterval(poll);
    await reading;
    await rm(setup.tapFile, { force: true });
    await rm(setup.events.file, { force: true });
  }
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
  token?: vscode.CancellationToken,
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
    // Restart Task: the run's task starts again; its process follows.
    vscode.tasks.onDidStartTask((event) => {
      if (ours(event.execution)) {
        clearTimeout(pending);
      }
    }),
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
    listeners.push(token?.onCancellationRequested(() => execution.terminate()) ?? { dispose: () => undefined });
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
    if (/^check-[0-9a-f-]{36}\.(tap|jsonl)$/.test(name)) {
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

/** Records the verdict; returns the failed checks in a row, counting this one (0 unless it failed). */
async function recordOutcome(
  roadmap: LoadedRoadmap,
  key: string,
  outcome: CheckOutcome,
  context: { node: string; folder: string; milestones: number },
): Promise<number> {
  const at = new Date().toISOString();
  const failedInARow = failuresInARow(roadmap.projects.lastCheck(key), outcome.kind === 'failed');
  if (outcome.kind === 'passed') {
    const commit = await gitCommit(context.folder);
    const evidence: Record<string, string | number> = {
      tests: outcome.tests,
      milestones: context.milestones,
      node: context.node,
      ...(commit ? { commit } : {}),
    };
    await roadmap.progress.setDone(key, true, 'verified', evidence);
  }
  // Only a pass is evidence: after any other outcome the completion (if any) is left as it was.
  await roadmap.projects.recordCheck(key, { at, ...checkRecord(outcome), ...(outcome.kind === 'failed' ? { failedInARow } : {}) });
  return failedInARow;
}

/** What the projects' records keep of an outcome, besides its time. */
function checkRecord(outcome: CheckOutcome): Omit<CheckRecord, 'at'> {
  switch (outcome.kind) {
    case 'passed':
      return { outcome: 'passed', summary: vscode.l10n.t('{0} tests passed', outcome.tests) };
    case 'failed':
      return { outcome: 'failed', summary: vscode.l10n.t('{0} of {1} tests failed', outcome.failed, outcome.tests), failures: outcome.failures.slice(0, 20) };
    case 'unverified':
      return {
        outcome: 'unverified',
        summary: vscode.l10n.t('{0} of {1} tests did not run', outcome.skipped, outcome.tests),
        notRun: outcome.reasons.slice(0, 20),
      };
    case 'crashed':
      return { outcome: 'crashed', summary: outcome.reason };
  }
}

/** The project's HEAD commit when it is a git repository; never fails the check. */
function gitCommit(cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, timeout: 10_000 }, (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined));
  });
}

function showOutcome(roadmap: LoadedRoadmap, milestone: Milestone, result: CheckResult): void {
  const { outcome } = result;
  const milestones = result.milestones.length;
  if (outcome.kind === 'passed') {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('"{0}" verified: {1} tests passed across {2} milestone(s).', milestone.title, outcome.tests, milestones),
    );
  } else if (outcome.kind === 'failed') {
    const names = outcome.failures.slice(0, 3).join('; ');
    const message = vscode.l10n.t('"{0}" is not verified yet: {1} of {2} tests failed. {3}', milestone.title, outcome.failed, outcome.tests, names);
    const hint = result.hints ? ` ${vscode.l10n.t('Hint: {0}', result.hints.texts.join(' '))}` : '';
    const lessons = (result.hints?.read ?? []).slice(0, 2).flatMap((id) => {
      const topic = findTopic(roadmap.curriculum, id)?.topic;
      return topic ? [{ title: vscode.l10n.t('Read: {0}', topic.title), id }] : [];
    });
    void vscode.window.showErrorMessage(message + hint, ...lessons).then((choice) => {
      if (choice) {
        void vscode.commands.executeCommand(Commands.openLesson, choice.id);
      }
    });
  } else if (outcome.kind === 'unverified') {
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        '"{0}" is unverified: no test failed, but {1} of {2} did not run, so it is not recorded as done. {3}',
        milestone.title,
        outcome.skipped,
        outcome.tests,
        outcome.reasons.slice(0, 2).join('; '),
      ),
    );
  } else {
    void vscode.window.showErrorMessage(vscode.l10n.t('"{0}" could not be checked: {1}.', milestone.title, outcome.reason));
  }
}
