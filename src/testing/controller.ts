// The Testing view: one TestController listing each scaffolded project of the workspace, its
// milestones and their tests (read from the test files, refreshed when they change); "Check
// milestone" runs exactly what the Check command runs and records the verdict the same way,
// "Run this test only" runs one test and records nothing. Results arrive test by test.
import * as vscode from 'vscode';
import { Commands, TEST_CONTROLLER_ID } from '../constants';
import type { HintsToShow } from '../core/check/hints';
import type { DeclaredTest } from '../core/check/discover';
import type { TestEvent, TestResult } from '../core/check/testEvents';
import { findTopic, milestoneKey, type Milestone, type Project } from '../core/curriculum/model';
import type { CompiledTemplate } from '../core/scaffold/template';
import type * as ProjectCommands from '../projects/index';
import type { LoadedRoadmap, RoadmapContext } from '../roadmap/roadmap';
import { showFailure } from '../errors';

/** What a run reported per item, kept for the integration tests (VS Code's test results are not readable through the API). */
export interface RecordedRun {
  readonly states: Map<string, { readonly state: 'started' | 'passed' | 'failed' | 'skipped' | 'errored'; readonly messages: readonly vscode.TestMessage[] }>;
  /** Milliseconds from the run's start to its first test result. */
  firstResultMs?: number;
  hints?: HintsToShow;
  output: string;
}

/** The milestones of a run with a failing test, and those with a test that did not run. */
interface MilestonesSeen {
  readonly failed: Set<vscode.TestItem>;
  readonly skipped: Set<vscode.TestItem>;
}

interface ItemData {
  readonly kind: 'project' | 'milestone' | 'test';
  readonly project: Project;
  readonly milestone?: Milestone;
  /** Test items: absolute path of the file and the suite path to the test. */
  readonly file?: string;
  readonly path?: readonly string[];
}

const SEPARATOR = '\u203a';

export class MilestoneTests implements vscode.Disposable {
  readonly controller: vscode.TestController;
  private readonly data = new WeakMap<vscode.TestItem, ItemData>();
  private readonly watchers = new Map<string, vscode.Disposable>();
  /** Per milestone item, the paths of its test files. */
  private readonly files = new Map<string, Set<string>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly testTag = new vscode.TestTag('test');
  /** The last run's results, for the integration tests. */
  lastRun: RecordedRun | undefined;
  readonly checkProfile: vscode.TestRunProfile;
  readonly singleTestProfile: vscode.TestRunProfile;

  constructor(
    private readonly ctx: RoadmapContext,
    private readonly roadmap: LoadedRoadmap,
    private readonly projectCommands: () => typeof ProjectCommands,
  ) {
    this.controller = vscode.tests.createTestController(TEST_CONTROLLER_ID, vscode.l10n.t('Roadmap Milestones'));
    this.controller.resolveHandler = (item) => (item ? this.resolve(item) : this.refresh());
    this.controller.refreshHandler = () => this.refresh();
    this.checkProfile = this.controller.createRunProfile(
      vscode.l10n.t('Check milestone'),
      vscode.TestRunProfileKind.Run,
      (request, token) => this.checkMilestones(request, token),
      true,
    );
    this.singleTestProfile = this.controller.createRunProfile(
      vscode.l10n.t('Run this test only'),
      vscode.TestRunProfileKind.Run,
      (request, token) => this.runTestsAlone(request, token),
      false,
      this.testTag,
    );
    this.disposables.push(
      this.controller,
      roadmap.onDidChange((change) => change.projects && void this.refresh()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refresh()),
    );
  }

  /** Lists the scaffolded projects inside the workspace with their milestones; tests come when a milestone is expanded. */
  async refresh(): Promise<void> {
    const templates = await this.ctx.templates();
    const projects = this.roadmap.curriculum.steps.flatMap((step) => step.projects ?? []);
    const items: vscode.TestItem[] = [];
    const folders = new Set<string>();
    for (const project of projects) {
      const scaffold = this.roadmap.projects.scaffold(project.id);
      const template = templates.find((candidate) => candidate.project === project.id);
      const folder = scaffold && vscode.Uri.parse(scaffold.folder);
      if (!folder || !template || !vscode.workspace.getWorkspaceFolder(folder)) {
        continue;
      }
      folders.add(folder.toString());
      const existing = this.controller.items.get(`project/${project.id}`);
      const item =
        existing && existing.uri?.toString() === folder.toString() ? existing : this.controller.createTestItem(`project/${project.id}`, project.title, folder);
      this.data.set(item, { kind: 'project', project });
      const milestones = (project.milestones ?? []).map((milestone, index) => {
        const id = `milestone/${milestoneKey(project.id, milestone.id)}`;
        const child = item.children.get(id) ?? this.controller.createTestItem(id, `${index + 1}. ${milestone.title}`, folder);
        child.description = this.roadmap.progress.get(milestoneKey(project.id, milestone.id))?.origin === 'verified' ? vscode.l10n.t('verified') : undefined;
        child.sortText = String(index).padStart(3, '0');
        child.canResolveChildren = true;
        this.data.set(child, { kind: 'milestone', project, milestone });
        return child;
      });
      item.children.replace(milestones);
      items.push(item);
      this.watch(project, folder, template);
    }
    this.controller.items.replace(items);
    for (const [folder, watcher] of this.watchers) {
      if (!folders.has(folder)) {
        watcher.dispose();
        this.watchers.delete(folder);
      }
    }
  }

  /** A milestone's tests, read from its test files. */
  private async resolve(item: vscode.TestItem): Promise<void> {
    const data = this.data.get(item);
    if (data?.kind !== 'milestone' || !data.milestone || !item.uri) {
      return;
    }
    const template = await this.template(data.project);
    const files = template?.milestones.find((candidate) => candidate.id === data.milestone?.id)?.tests ?? [];
    const children: vscode.TestItem[] = [];
    this.files.set(item.id, new Set(files.map((file) => vscode.Uri.joinPath(item.uri as vscode.Uri, ...file.split('/')).fsPath)));
    for (const file of files) {
      const uri = vscode.Uri.joinPath(item.uri, ...file.split('/'));
      const text = await Promise.resolve(vscode.workspace.fs.readFile(uri)).then(
        (bytes) => new TextDecoder().decode(bytes),
        () => '',
      );
      children.push(...this.testItems(item, data, uri, this.projectCommands().declaredTests(text), []));
    }
    item.children.replace(children);
    item.canResolveChildren = false;
  }

  private testItems(
    milestoneItem: vscode.TestItem,
    data: ItemData,
    uri: vscode.Uri,
    tests: readonly DeclaredTest[],
    suites: readonly string[],
  ): vscode.TestItem[] {
    return tests.map((test) => {
      const path = [...suites, test.name];
      const item = this.testItem(milestoneItem, data, uri, path);
      item.range = new vscode.Range(test.line, test.column, test.line, test.column);
      item.children.replace(this.testItems(milestoneItem, data, uri, test.children, path));
      return item;
    });
  }

  private testItem(milestoneItem: vscode.TestItem, data: ItemData, uri: vscode.Uri, path: readonly string[]): vscode.TestItem {
    const item = this.controller.createTestItem(`${milestoneItem.id}/${uri.path}#${path.join(SEPARATOR)}`, path[path.length - 1], uri);
    item.tags = [this.testTag];
    this.data.set(item, { kind: 'test', project: data.project, milestone: data.milestone, file: uri.fsPath, path });
    return item;
  }

  /** Re-reads a milestone's tests when one of the project's test files changes. */
  private watch(project: Project, folder: vscode.Uri, template: CompiledTemplate): void {
    if (this.watchers.has(folder.toString()) || folder.scheme !== 'file') {
      return;
    }
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*.test.{ts,mts,js,mjs,cjs}'));
    const changed = (uri: vscode.Uri) => {
      const milestone = template.milestones.find((candidate) =>
        candidate.tests.some((test) => vscode.Uri.joinPath(folder, ...test.split('/')).path === uri.path),
      );
      const item = milestone && this.controller.items.get(`project/${project.id}`)?.children.get(`milestone/${milestoneKey(project.id, milestone.id)}`);
      if (item) {
        void this.resolve(item);
      }
    };
    this.watchers.set(
      folder.toString(),
      vscode.Disposable.from(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed)),
    );
  }

  private async template(project: Project): Promise<CompiledTemplate | undefined> {
    return (await this.ctx.templates()).find((candidate) => candidate.project === project.id);
  }

  /** "Check milestone": per project, the highest milestone asked for (its check runs every earlier one). */
  private async checkMilestones(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const asked = request.include ?? [...this.allItems()].filter((item) => this.data.get(item)?.kind === 'project');
    const targets = new Map<string, { project: Project; milestone: Milestone; index: number }>();
    for (const item of asked) {
      const data = this.data.get(item);
      const milestones = data?.project.milestones ?? [];
      const milestone = data?.milestone ?? milestones[milestones.length - 1];
      if (!data || !milestone) {
        continue;
      }
      const index = milestones.indexOf(milestone);
      const known = targets.get(data.project.id);
      if (!known || known.index < index) {
        targets.set(data.project.id, { project: data.project, milestone, index });
      }
    }
    const run = this.startRun(request);
    try {
      for (const target of targets.values()) {
        if (token.isCancellationRequested) {
          break;
        }
        await this.checkOne(run, target.project, target.milestone, token);
      }
    } finally {
      run.end();
      this.ctx.log.info(`Testing view: first result ${run.record.firstResultMs ?? '(none)'} ms after the check started.`);
    }
  }

  private async checkOne(run: Run, project: Project, milestone: Milestone, token: vscode.CancellationToken): Promise<void> {
    const projectItem = this.controller.items.get(`project/${project.id}`);
    const milestones = (project.milestones ?? []).slice(0, (project.milestones ?? []).indexOf(milestone) + 1);
    const milestoneItems = milestones.map((candidate) => projectItem?.children.get(`milestone/${milestoneKey(project.id, candidate.id)}`));
    const target = milestoneItems[milestoneItems.length - 1];
    const refused = this.projectCommands().whyRunningIsRefused(projectItem?.uri);
    if (refused) {
      for (const item of milestoneItems.filter((candidate) => candidate !== undefined)) {
        run.errored(item, new vscode.TestMessage(refused));
      }
      return;
    }
    for (const item of milestoneItems) {
      if (item) {
        await this.resolve(item);
        run.enqueued(item);
      }
    }
    if (target) {
      run.started(target);
    }
    const seen: MilestonesSeen = { failed: new Set(), skipped: new Set() };
    try {
      const result = await this.projectCommands().runMilestoneCheck(
        this.ctx,
        this.roadmap,
        { project, milestone },
        {
          token,
          onEvents: (events) => this.report(run, project, milestones, events, seen),
        },
      );
      if (!result || !target) {
        return;
      }
      const { outcome } = result;
      for (const item of milestoneItems.slice(0, -1)) {
        if (item && seen.failed.has(item)) {
          run.failed(item, new vscode.TestMessage(vscode.l10n.t('A test of this milestone failed: check it again once it passes.')));
        } else if (item && seen.skipped.has(item)) {
          run.skipped(item);
        } else if (item) {
          run.passed(item);
        }
      }
      if (outcome.kind === 'passed') {
        run.passed(target);
        run.appendOutput(
          `\r\n${vscode.l10n.t('"{0}" verified: {1} tests passed across {2} milestone(s).', milestone.title, outcome.tests, result.milestones.length)}\r\n`,
        );
      } else if (outcome.kind === 'failed') {
        const messages = [new vscode.TestMessage(vscode.l10n.t('{0} of {1} tests failed.', outcome.failed, outcome.tests))];
        if (result.hints) {
          messages.push(new vscode.TestMessage(this.hintMarkdown(result.hints)));
          run.appendOutput(`\r\n${vscode.l10n.t('Hint: {0}', result.hints.texts.join(' '))}\r\n`);
          run.hints = result.hints;
        }
        run.failed(target, messages);
      } else if (outcome.kind === 'unverified') {
        // The Testing view has no "unverified": the milestone shows as skipped, with why, never as passed.
        run.skipped(target);
        run.appendOutput(
          `\r\n${vscode.l10n.t('"{0}" is unverified: {1} of {2} tests did not run: {3}', milestone.title, outcome.skipped, outcome.tests, outcome.reasons.join('; '))}\r\n`,
        );
      } else {
        run.errored(target, new vscode.TestMessage(vscode.l10n.t('The check could not finish: {0}.', outcome.reason)));
      }
    } catch (error) {
      showFailure(this.ctx.log, `Checking ${milestoneKey(project.id, milestone.id)}`, error);
      if (target) {
        run.errored(target, new vscode.TestMessage(error instanceof Error ? error.message : String(error)));
      }
    }
  }

  /** "Run this test only": each test asked for, alone; nothing is recorded. */
  private async runTestsAlone(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const run = this.startRun(request);
    try {
      for (const item of request.include ?? []) {
        const data = this.data.get(item);
        if (token.isCancellationRequested || data?.kind !== 'test' || !data.milestone || !data.file || !data.path) {
          continue;
        }
        const refused = this.projectCommands().whyRunningIsRefused(item.uri);
        if (refused) {
          run.errored(item, new vscode.TestMessage(refused));
          continue;
        }
        run.started(item);
        try {
          const outcome = await this.projectCommands().runSingleTest(
            this.ctx,
            this.roadmap,
            { project: data.project, milestone: data.milestone },
            { file: data.file, path: data.path },
            { token, onEvents: (events) => this.report(run, data.project, data.project.milestones ?? [], events, { failed: new Set(), skipped: new Set() }) },
          );
          if (outcome?.kind === 'crashed') {
            run.errored(item, new vscode.TestMessage(vscode.l10n.t('The test could not run: {0}.', outcome.reason)));
          }
        } catch (error) {
          showFailure(this.ctx.log, `Running ${item.id}`, error);
          run.errored(item, new vscode.TestMessage(error instanceof Error ? error.message : String(error)));
        }
      }
    } finally {
      run.end();
    }
  }

  /** Shows each result as it arrives, on the test's item (made when the file did not declare it plainly). */
  private report(run: Run, project: Project, milestones: readonly Milestone[], events: readonly TestEvent[], seen: MilestonesSeen): void {
    const { failed: failedMilestones, skipped: skippedMilestones } = seen;
    for (const event of events) {
      if (event.kind === 'output') {
        run.appendOutput(event.text.replace(/\r?\n/g, '\r\n'));
        continue;
      }
      const milestoneItem = this.milestoneOfFile(project, milestones, event.file);
      if (!milestoneItem) {
        continue;
      }
      if (event.kind === 'started') {
        run.started(this.itemAt(milestoneItem, event.file, event.path));
        continue;
      }
      if (event.path.length === 0) {
        // The file itself failed (it did not load, or crashed outside any test).
        failedMilestones.add(milestoneItem);
        run.errored(milestoneItem, this.failureMessage(event));
        continue;
      }
      const item = this.itemAt(milestoneItem, event.file, event.path);
      run.firstResult();
      if (event.status === 'pass') {
        run.passed(item, event.durationMs);
      } else if (event.status === 'fail') {
        if (!event.suite) {
          failedMilestones.add(milestoneItem);
          run.failed(item, this.failureMessage(event), event.durationMs);
          run.appendOutput(`✖ ${event.path.join(' › ')}: ${event.failure?.message.split('\n')[0] ?? ''}\r\n`, undefined, item);
        }
      } else {
        // Skipped or todo: never a pass, nor its milestone's.
        skippedMilestones.add(milestoneItem);
        run.skipped(item);
      }
    }
  }

  private failureMessage(event: TestResult): vscode.TestMessage {
    const failure = event.failure;
    const message =
      failure?.expected !== undefined && failure.actual !== undefined
        ? vscode.TestMessage.diff(failure.message, failure.expected, failure.actual)
        : new vscode.TestMessage(failure?.message ?? vscode.l10n.t('The test failed.'));
    if (failure?.location) {
      message.location = new vscode.Location(
        vscode.Uri.file(failure.location.file),
        new vscode.Position(failure.location.line - 1, failure.location.column - 1),
      );
    }
    return message;
  }

  private hintMarkdown(hints: HintsToShow): vscode.MarkdownString {
    const markdown = new vscode.MarkdownString(`**${vscode.l10n.t('Hint')}:** ${hints.texts.join('\n\n')}`);
    const links = hints.read.flatMap((id) => {
      const topic = findTopic(this.roadmap.curriculum, id)?.topic;
      return topic ? [`[${topic.title}](command:${Commands.openLesson}?${encodeURIComponent(JSON.stringify([id]))})`] : [];
    });
    if (links.length > 0) {
      markdown.appendMarkdown(`\n\n${vscode.l10n.t('Read first:')} ${links.join(' · ')}`);
    }
    markdown.isTrusted = { enabledCommands: [Commands.openLesson] };
    return markdown;
  }

  private milestoneOfFile(project: Project, milestones: readonly Milestone[], file: string): vscode.TestItem | undefined {
    const projectItem = this.controller.items.get(`project/${project.id}`);
    const items = milestones.map((milestone) => projectItem?.children.get(`milestone/${milestoneKey(project.id, milestone.id)}`));
    // A file no milestone lists (a test file imported another): the last milestone that ran owns it.
    return items.find((item) => item && this.files.get(item.id)?.has(file)) ?? items[items.length - 1];
  }

  /** The test item of a file's suite path under its milestone, made (with its suites) when the file did not declare it plainly. */
  private itemAt(milestoneItem: vscode.TestItem, file: string, path: readonly string[]): vscode.TestItem {
    const data = this.data.get(milestoneItem);
    const uri = vscode.Uri.file(file);
    let parent = milestoneItem;
    for (let depth = 1; depth <= path.length; depth++) {
      const id = `${milestoneItem.id}/${uri.path}#${path.slice(0, depth).join(SEPARATOR)}`;
      let item = parent.children.get(id);
      if (!item && data) {
        item = this.testItem(milestoneItem, data, uri, path.slice(0, depth));
        parent.children.add(item);
      }
      parent = item ?? parent;
    }
    return parent;
  }

  private *allItems(): Iterable<vscode.TestItem> {
    const stack: vscode.TestItem[] = [];
    this.controller.items.forEach((item) => stack.push(item));
    yield* stack;
  }

  private startRun(request: vscode.TestRunRequest): Run {
    const run = new Run(this.controller.createTestRun(request, undefined, true));
    this.lastRun = run.record;
    return run;
  }

  dispose(): void {
    for (const disposable of [...this.watchers.values(), ...this.disposables]) {
      disposable.dispose();
    }
  }
}

/** A TestRun that also keeps what it reported (RecordedRun) and when its first result came. */
class Run {
  readonly record: RecordedRun = { states: new Map(), output: '' };
  private readonly startedAt = Date.now();

  constructor(private readonly run: vscode.TestRun) {}

  set hints(hints: HintsToShow) {
    this.record.hints = hints;
  }

  firstResult(): void {
    this.record.firstResultMs ??= Date.now() - this.startedAt;
  }

  enqueued(item: vscode.TestItem): void {
    this.run.enqueued(item);
  }

  started(item: vscode.TestItem): void {
    this.record.states.set(item.id, { state: 'started', messages: [] });
    this.run.started(item);
  }

  passed(item: vscode.TestItem, duration?: number): void {
    this.record.states.set(item.id, { state: 'passed', messages: [] });
    this.run.passed(item, duration);
  }

  failed(item: vscode.TestItem, message: vscode.TestMessage | readonly vscode.TestMessage[], duration?: number): void {
    this.record.states.set(item.id, { state: 'failed', messages: Array.isArray(message) ? message : [message as vscode.TestMessage] });
    this.run.failed(item, message, duration);
  }

  errored(item: vscode.TestItem, message: vscode.TestMessage): void {
    this.record.states.set(item.id, { state: 'errored', messages: [message] });
    this.run.errored(item, message);
  }

  skipped(item: vscode.TestItem): void {
    this.record.states.set(item.id, { state: 'skipped', messages: [] });
    this.run.skipped(item);
  }

  appendOutput(text: string, location?: vscode.Location, item?: vscode.TestItem): void {
    this.record.output += text;
    this.run.appendOutput(text, location, item);
  }

  end(): void {
    this.run.end();
  }
}

/** Registers the Testing view's controller for the loaded roadmap. */
export function registerMilestoneTests(
  subscriptions: vscode.Disposable[],
  ctx: RoadmapContext,
  roadmap: LoadedRoadmap,
  projectCommands: () => typeof ProjectCommands,
): MilestoneTests {
  const tests = new MilestoneTests(ctx, roadmap, projectCommands);
  subscriptions.push(tests);
  void tests.refresh().catch((error: unknown) => ctx.log.error('Could not list the milestones in the Testing view.', error));
  return tests;
}
