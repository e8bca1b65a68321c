// Every command of the extension: each a small function that takes the roadmap context and
// returns its handler. Errors the learner can meet are shown once; details go to the log.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { BuiltInCommands, Commands, EXTENSION_ID, type CommandId } from './constants';
import { findProject, findStep, findTopic, parseMilestoneKey, type Step, type Topic } from './core/curriculum/model';
import type { ProgressRecord } from './core/progress/codec';
import { stepState } from './core/progress/summary';
import { UnknownProgressItemError } from './core/progress/store';
import { exportJson, markdownReport, parseImport, resetIds, type ResetTarget } from './core/progress/transfer';
import { nextItem } from './core/roadmap/next';
import type { RoadmapNode } from './core/roadmap/treeModel';
import { WalkthroughIds } from './core/walkthrough/keys';
import { showFailure } from './errors';
import type { LazyLessonPanels } from './lesson/lazy';
import { setDone, setDoneWithTopics } from './progress/actions';
import type * as ProjectCommands from './projects/index';
import type { MilestoneRef } from './projects/check';
import type { ScaffoldOptions } from './projects/scaffold';
import type { LoadedRoadmap, RoadmapContext } from './roadmap/roadmap';
import { openNotes } from './notes/notes';

type Handler = (...args: unknown[]) => Promise<unknown>;

/** Adapters that commands drive, created after the curriculum loaded. */
export interface CommandTargets {
  readonly lessons?: LazyLessonPanels;
}

export function registerCommands(extensionContext: vscode.ExtensionContext, ctx: RoadmapContext, targets: CommandTargets): void {
  const handlers: Record<CommandId, Handler> = {
    [Commands.openRoadmap]: openRoadmap(),
    [Commands.continue]: continueStudy(ctx, targets),
    [Commands.markStepComplete]: markStep(ctx, true),
    [Commands.markStepIncomplete]: markStep(ctx, false),
    [Commands.markTopicComplete]: markTopic(ctx, true),
    [Commands.markTopicIncomplete]: markTopic(ctx, false),
    [Commands.resetProgress]: resetProgress(ctx),
    [Commands.openLesson]: openLesson(ctx, targets),
    [Commands.openNotes]: openTopicNotes(ctx),
    [Commands.goToTopic]: goToTopic(ctx, targets),
    [Commands.scaffoldProject]: scaffold(ctx),
    [Commands.checkMilestone]: check(ctx),
    [Commands.openProjectReadme]: openProjectReadme(ctx),
    [Commands.openInWalkthrough]: openInWalkthrough(),
    [Commands.openWalkthrough]: openAnyWalkthrough(ctx),
    [Commands.showLog]: () => Promise.resolve(ctx.log.show()),
    [Commands.exportProgress]: exportProgress(ctx),
    [Commands.importProgress]: importProgress(ctx),
  };
  for (const [id, handler] of Object.entries(handlers)) {
    extensionContext.subscriptions.push(vscode.commands.registerCommand(id, guarded(ctx, id, handler)));
  }
}

function openRoadmap(): Handler {
  return async () => vscode.commands.executeCommand(BuiltInCommands.showContainer);
}

/**
 * Opens the next thing to study (core/roadmap/next.ts has the rule): a topic's lesson, a milestone
 * in its project's walkthrough, or the project picker. Returns what it opened, for tests.
 */
function continueStudy(ctx: RoadmapContext, targets: CommandTargets): Handler {
  return withRoadmap(ctx, async (roadmap) => {
    const next = nextItem(roadmap.curriculum, roadmap);
    switch (next.kind) {
      case 'topic':
        await targets.lessons?.show(next.topic.id);
        return `topic:${next.topic.id}`;
      case 'milestone': {
        const category = `${EXTENSION_ID}#${WalkthroughIds.project(next.project.id)}`;
        await vscode.commands.executeCommand(BuiltInCommands.openWalkthrough, { category, step: WalkthroughIds.milestoneStep(next.milestone.id) }, false);
        if (next.failing) {
          void vscode.window.showInformationMessage(
            vscode.l10n.t('Milestone {0} of {1}, "{2}", failed its last check.', next.number, next.project.title, next.milestone.title),
          );
        }
        return `milestone:${next.key}`;
      }
      case 'scaffold':
        void vscode.window.showInformationMessage(vscode.l10n.t('Every topic is done: choose a project to build.'));
        await vscode.commands.executeCommand(Commands.scaffoldProject);
        return 'scaffold';
      case 'finished':
        void vscode.window.showInformationMessage(vscode.l10n.t('You have finished the roadmap: every topic and your project are done.'));
        return 'finished';
    }
  });
}

/**
 * Marks a step done or not done. The step comes from a tree item, a step id (command links,
 * walkthrough buttons) or, from the Command Palette, a quick pick.
 */
function markStep(ctx: RoadmapContext, done: boolean): Handler {
  return withRoadmap(ctx, async (roadmap, arg) => {
    const step = await resolveStep(roadmap, arg, done);
    if (!step) {
      return false;
    }
    // A step id comes from a command link that names the step ("Mark Step Complete" in its walkthrough): no question.
    const result = await setDoneWithTopics(roadmap, ctx.log, [{ kind: 'step', id: step.id, done }], typeof arg !== 'string');
    return result === 'declined' ? false : result ? true : undefined;
  });
}

function markTopic(ctx: RoadmapContext, done: boolean): Handler {
  return withRoadmap(ctx, async (roadmap, arg) => {
    const topic = await resolveTopic(roadmap, arg, (candidate) => roadmap.progress.isDone(candidate.id) !== done);
    if (!topic) {
      return false;
    }
    return (await setDone(roadmap, ctx.log, [{ kind: 'topic', id: topic.id, done }])) ? true : undefined;
  });
}

/**
 * Resets everything (from the Command Palette or the view's title) or one step, topic or project
 * (from its context menu), after asking; the notification that follows offers Undo.
 */
function resetProgress(ctx: RoadmapContext): Handler {
  return withRoadmap(ctx, async (roadmap, arg) => {
    const target = resetTarget(arg);
    const ids = target ? resetIds(target) : undefined;
    const what = target ? targetTitle(target) : undefined;
    const reset = vscode.l10n.t('Reset');
    const answer = await vscode.window.showWarningMessage(
      what ? vscode.l10n.t('Reset the progress of "{0}"?', what) : vscode.l10n.t('Reset all roadmap progress?'),
      {
        modal: true,
        detail: what
          ? vscode.l10n.t('Everything inside it you completed will be marked not done. You can undo this right after.')
          : vscode.l10n.t('Every step, topic and milestone you completed will be marked not done. You can undo this right after.'),
      },
      reset,
    );
    if (answer !== reset) {
      return false;
    }
    const previous = await roadmap.progress.reset(ids);
    ctx.log.info(`Reset progress of ${previous.size} item(s)${what ? ` in "${what}"` : ''}.`);
    if (previous.size > 0) {
      void offerUndo(ctx, roadmap, previous);
    }
    return true;
  });
}

async function offerUndo(ctx: RoadmapContext, roadmap: LoadedRoadmap, previous: ReadonlyMap<string, ProgressRecord | undefined>): Promise<void> {
  const undo = vscode.l10n.t('Undo');
  const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Reset {0} completed item(s).', previous.size), undo);
  if (choice === undo) {
    await roadmap.progress.restore(previous);
    ctx.log.info(`Undid the reset of ${previous.size} item(s).`);
  }
}

function resetTarget(arg: unknown): ResetTarget | undefined {
  if (isNode(arg, 'step')) {
    return { kind: 'step', step: arg.step };
  }
  if (isNode(arg, 'topic')) {
    return { kind: 'topic', topic: arg.topic };
  }
  if (isNode(arg, 'project')) {
    return { kind: 'project', project: arg.project };
  }
  return undefined;
}

function targetTitle(target: ResetTarget): string {
  return target.kind === 'step' ? target.step.title : target.kind === 'topic' ? target.topic.title : target.project.title;
}

/** A JSON backup (for Import) or a Markdown report (for sharing), saved where the learner chooses. */
function exportProgress(ctx: RoadmapContext): Handler {
  return withRoadmap(ctx, async (roadmap, arg) => {
    const json = {
      label: vscode.l10n.t('JSON backup'),
      detail: vscode.l10n.t('Every record with its history stamp; Import Progress… merges it back.'),
      ext: 'json',
    };
    const markdown = {
      label: vscode.l10n.t('Markdown report'),
      detail: vscode.l10n.t('Steps, topics and milestones with dates and evidence, to share.'),
      ext: 'md',
    };
    const format =
      arg === 'json' ? json : arg === 'markdown' ? markdown : await vscode.window.showQuickPick([json, markdown], { title: vscode.l10n.t('Export Progress') });
    if (!format) {
      return undefined;
    }
    const now = new Date();
    const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
    const target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Export Progress'),
      defaultUri: vscode.Uri.joinPath(base, `roadmap-progress-${now.toISOString().slice(0, 10)}.${format.ext}`),
      filters: format === json ? { JSON: ['json'] } : { Markdown: ['md'] },
    });
    if (!target) {
      return undefined;
    }
    const text =
      format === json
        ? exportJson(roadmap.progress.stampedEntries(), { exportedAt: now, signingKey: roadmap.signingKey })
        : markdownReport(roadmap.curriculum, (id) => roadmap.progress.get(id), now);
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    ctx.log.info(`Exported progress to ${target.toString()}.`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Progress exported to {0}.', target.fsPath));
    return target;
  });
}

/** Merges a JSON backup: newer local records are kept; what was left out is reported. */
function importProgress(ctx: RoadmapContext): Handler {
  return withRoadmap(ctx, async (roadmap, arg) => {
    const source =
      arg instanceof vscode.Uri
        ? arg
        : (
            await vscode.window.showOpenDialog({
              title: vscode.l10n.t('Import Progress'),
              canSelectMany: false,
              filters: { JSON: ['json'] },
            })
          )?.[0];
    if (!source) {
      return undefined;
    }
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(source));
    const parsed = parseImport(text, source.fsPath, roadmap.progress.knownIds, { now: Date.now(), signingKey: roadmap.signingKey });
    const report = await roadmap.progress.merge(parsed.records);
    const skipped = [...parsed.skipped, ...report.refused.map((id) => vscode.l10n.t('"{0}" is stamped more than a day ahead of this computer\'s clock', id))];
    const unverified = parsed.unverified.filter((id) => report.applied.includes(id));
    ctx.log.info(
      `Imported ${source.toString()}: ${report.applied.length} applied (${unverified.length} verified ones as marked done, the file not being signed by this learner), ` +
        `${report.keptLocal.length} kept local, ${skipped.length} skipped` +
        (skipped.length > 0 ? `: ${skipped.join('; ')}` : '.'),
    );
    const summary =
      vscode.l10n.t('Imported {0} record(s); kept {1} local record(s) that were as new or newer.', report.applied.length, report.keptLocal.length) +
      (unverified.length > 0
        ? ` ${vscode.l10n.t('This file was not written by your roadmap, so its {0} verified milestone(s) count as marked done: check them to verify them here.', unverified.length)}`
        : '');
    if (skipped.length > 0) {
      const showLog = vscode.l10n.t('Show Log');
      void vscode.window
        .showWarningMessage(`${summary} ${vscode.l10n.t('Skipped {0}: {1}', skipped.length, skipped.slice(0, 3).join('; '))}`, showLog)
        .then((choice) => choice === showLog && ctx.log.show());
    } else {
      void vscode.window.showInformationMessage(summary);
    }
    return { ...report, skipped, unverified };
  });
}

function openLesson(ctx: RoadmapContext, targets: CommandTargets): Handler {
  return withRoadmap(ctx, async (roadmap, arg) => {
    const topic = await resolveTopic(roadmap, arg, () => true);
    if (!topic || !targets.lessons) {
      return undefined;
    }
    await targets.lessons.show(topic.id);
    return topic.id;
  });
}

/** Opens a topic's notes file (from the tree, a lesson or the palette); returns its path, for tests. */
function openTopicNotes(ctx: RoadmapContext): Handler {
  return withRoadmap(ctx, async (roadmap, arg) => {
    const topic = await resolveTopic(roadmap, arg, () => true);
    return topic && (await openNotes(ctx, roadmap.curriculum, topic.id))?.fsPath;
  });
}

/** Open Lesson without a topic: the quick pick over every topic, matching titles, steps and concepts. */
function goToTopic(ctx: RoadmapContext, targets: CommandTargets): Handler {
  const open = openLesson(ctx, targets);
  return () => open();
}

function scaffold(ctx: RoadmapContext): Handler {
  return withRoadmap(ctx, async (roadmap, arg, options) => {
    const projectId = isNode(arg, 'project') ? arg.project.id : typeof arg === 'string' ? arg : undefined;
    return projectCommands().scaffoldProject(ctx, roadmap, projectId, isScaffoldOptions(options) ? options : {});
  });
}

function check(ctx: RoadmapContext): Handler {
  return withRoadmap(ctx, async (roadmap, arg) => {
    let ref: MilestoneRef | undefined;
    if (isNode(arg, 'milestone')) {
      ref = { project: arg.project.id, milestone: arg.milestone.id };
    } else if (typeof arg === 'string') {
      ref = parseMilestoneKey(arg);
    } else if (isMilestoneRef(arg)) {
      ref = arg;
    }
    return projectCommands().checkMilestone(ctx, roadmap, ref);
  });
}

/** Opens the README of a scaffolded project (walkthrough button). */
function openProjectReadme(ctx: RoadmapContext): Handler {
  return withRoadmap(ctx, async (roadmap, arg) => {
    const projectId = isNode(arg, 'project') ? arg.project.id : typeof arg === 'string' ? arg : undefined;
    const project = projectId ? findProject(roadmap.curriculum, projectId) : undefined;
    if (!project) {
      throw new UnknownProgressItemError(String(projectId));
    }
    const scaffold = roadmap.projects.scaffold(project.id);
    const template = (await ctx.templates()).find((candidate) => candidate.project === project.id);
    if (!scaffold || !template) {
      const scaffoldIt = vscode.l10n.t('Scaffold Project');
      const choice = await vscode.window.showInformationMessage(vscode.l10n.t('{0} has not been scaffolded on this machine yet.', project.title), scaffoldIt);
      return choice === scaffoldIt ? vscode.commands.executeCommand(Commands.scaffoldProject, project.id) : undefined;
    }
    const readme = vscode.Uri.joinPath(vscode.Uri.parse(scaffold.folder), ...template.readme.split('/'));
    await vscode.commands.executeCommand(BuiltInCommands.showMarkdownPreview, readme);
    return readme.toString();
  });
}

/** Opens the walkthrough of a step or project from the tree, at the topic or milestone chosen. */
function openInWalkthrough(): Handler {
  return async (arg) => {
    const category = (id: string) => `${EXTENSION_ID}#${id}`;
    let target: { category: string; step?: string } | undefined;
    if (isNode(arg, 'step')) {
      const id = arg.step.projects ? WalkthroughIds.startHere : WalkthroughIds.step(arg.step.id);
      target = { category: category(id) };
    } else if (isNode(arg, 'topic')) {
      const id = WalkthroughIds.step(arg.stepId);
      // VS Code prefixes the step id with the category itself.
      target = { category: category(id), step: WalkthroughIds.topicStep(arg.topic.id) };
    } else if (isNode(arg, 'project')) {
      target = { category: category(WalkthroughIds.project(arg.project.id)) };
    } else if (isNode(arg, 'milestone')) {
      const id = WalkthroughIds.project(arg.project.id);
      target = { category: category(id), step: WalkthroughIds.milestoneStep(arg.milestone.id) };
    }
    await vscode.commands.executeCommand(BuiltInCommands.openWalkthrough, target ?? category(WalkthroughIds.startHere), false);
    return target ?? category(WalkthroughIds.startHere);
  };
}

/**
 * Every walkthrough of the roadmap in a quick pick: the Welcome page lists only Start Here, the
 * current step's and the projects' that matter now (their `when` clauses), so this keeps the others one command away.
 */
function openAnyWalkthrough(ctx: RoadmapContext): Handler {
  return withRoadmap(ctx, async (roadmap) => {
    const items = [
      { label: vscode.l10n.t('Start Here'), id: WalkthroughIds.startHere },
      ...roadmap.curriculum.steps.flatMap((step, index) =>
        step.topics.length > 0 ? [{ label: vscode.l10n.t('Step {0}: {1}', index + 1, step.title), id: WalkthroughIds.step(step.id) }] : [],
      ),
      ...roadmap.curriculum.steps
        .flatMap((step) => step.projects ?? [])
        .map((project) => ({ label: vscode.l10n.t('Project: {0}', project.title), id: WalkthroughIds.project(project.id) })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Open Walkthrough'), placeHolder: vscode.l10n.t('Choose a walkthrough') });
    if (!picked) {
      return undefined;
    }
    const category = `${EXTENSION_ID}#${picked.id}`;
    await vscode.commands.executeCommand(BuiltInCommands.openWalkthrough, category, false);
    return category;
  });
}

async function resolveStep(roadmap: LoadedRoadmap, arg: unknown, done: boolean): Promise<Step | undefined> {
  if (isNode(arg, 'step')) {
    return arg.step;
  }
  if (typeof arg === 'string') {
    const step = findStep(roadmap.curriculum, arg);
    if (!step) {
      throw new UnknownProgressItemError(arg);
    }
    return step;
  }
  const candidates = roadmap.curriculum.steps.map((step, index) => ({ step, index })).filter(({ step }) => (stepState(step, roadmap) === 'done') !== done);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(done ? vscode.l10n.t('Every step is already complete.') : vscode.l10n.t('No step is complete yet.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map(({ step, index }) => ({ label: step.title, description: vscode.l10n.t('Step {0}', index + 1), step })),
    {
      title: done ? vscode.l10n.t('Mark Step Complete') : vscode.l10n.t('Mark Step Incomplete'),
      placeHolder: vscode.l10n.t('Choose a step'),
    },
  );
  return picked?.step;
}

async function resolveTopic(roadmap: LoadedRoadmap, arg: unknown, offer: (topic: Topic) => boolean): Promise<Topic | undefined> {
  if (isNode(arg, 'topic')) {
    return arg.topic;
  }
  if (isNode(arg, 'reviewTopic')) {
    return arg.review.topic;
  }
  if (typeof arg === 'string') {
    const found = findTopic(roadmap.curriculum, arg);
    if (!found) {
      throw new UnknownProgressItemError(arg);
    }
    return found.topic;
  }
  const items = roadmap.curriculum.steps.flatMap((step, index) =>
    step.topics.filter(offer).map((topic) => ({
      label: topic.title,
      description: vscode.l10n.t('Step {0}: {1}', index + 1, step.title),
      detail: topic.concepts.join(' · '),
      topic,
    })),
  );
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Go to Topic'),
    placeHolder: vscode.l10n.t('Type a topic or a concept'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.topic;
}

function isNode<K extends RoadmapNode['kind']>(arg: unknown, kind: K): arg is Extract<RoadmapNode, { kind: K }> {
  return typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === kind;
}

function isMilestoneRef(arg: unknown): arg is MilestoneRef {
  const ref = arg as Partial<MilestoneRef> | null;
  return typeof ref === 'object' && ref !== null && typeof ref.project === 'string' && typeof ref.milestone === 'string';
}

function isScaffoldOptions(arg: unknown): arg is ScaffoldOptions {
  return typeof arg === 'object' && arg !== null && ('folder' in arg || 'onConflict' in arg);
}

/** Runs a handler with the loaded roadmap, or explains why the roadmap is not there. */
function withRoadmap(ctx: RoadmapContext, handler: (roadmap: LoadedRoadmap, ...args: unknown[]) => Promise<unknown>): Handler {
  return async (...args) => {
    if (!ctx.roadmap.ok) {
      void vscode.window.showErrorMessage(ctx.roadmap.reason);
      return undefined;
    }
    return handler(ctx.roadmap, ...args);
  };
}

/** Shows a failing command's error once, with the log one click away. */
function guarded(ctx: RoadmapContext, id: string, handler: Handler): Handler {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      showFailure(ctx.log, `Command ${id}`, error);
      return undefined;
    }
  };
}

let loadedProjectCommands: typeof ProjectCommands | undefined;

/** Scaffolding and checking, bundled apart (dist/projects.js, next to this bundle) and loaded on first use. */
export function projectCommands(): typeof ProjectCommands {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loadedProjectCommands ??= require('./projects.js') as typeof ProjectCommands);
}
