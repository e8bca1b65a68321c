// Every command of the extension: each a small function that takes the roadmap context and
// returns its handler. Errors the learner can meet are shown once; details go to the log.
import * as vscode from 'vscode';
import { Commands, SHOW_CONTAINER_COMMAND, type CommandId } from './constants';
import { findStep, type Curriculum, type Step } from './core/curriculum/model';
import { UnknownProgressItemError, type ProgressStore } from './core/progress/store';
import type { RoadmapNode } from './core/roadmap/treeModel';
import type { RoadmapContext } from './roadmapContext';

type Handler = (...args: unknown[]) => Promise<unknown>;
type Loaded = { readonly curriculum: Curriculum; readonly progress: ProgressStore };

export function registerCommands(extensionContext: vscode.ExtensionContext, ctx: RoadmapContext): void {
  const handlers: Record<CommandId, Handler> = {
    [Commands.openRoadmap]: openRoadmap(),
    [Commands.markStepComplete]: markStep(ctx, true),
    [Commands.markStepIncomplete]: markStep(ctx, false),
    [Commands.resetProgress]: resetProgress(ctx),
    [Commands.showLog]: () => Promise.resolve(ctx.log.show()),
  };
  for (const [id, handler] of Object.entries(handlers)) {
    extensionContext.subscriptions.push(vscode.commands.registerCommand(id, guarded(ctx, id, handler)));
  }
}

function openRoadmap(): Handler {
  return async () => vscode.commands.executeCommand(SHOW_CONTAINER_COMMAND);
}

/**
 * Marks a step done or not done. The step comes from a tree item, a step id (command links,
 * walkthrough buttons) or, from the Command Palette, a quick pick.
 */
function markStep(ctx: RoadmapContext, done: boolean): Handler {
  return async (arg?: unknown) => {
    const loaded = requireLoaded(ctx);
    if (!loaded) {
      return false;
    }
    const step = await resolveStep(loaded, arg, done);
    if (!step) {
      return false;
    }
    await loaded.progress.setDone(step.id, done);
    ctx.log.info(`Marked step "${step.id}" ${done ? 'complete' : 'incomplete'}.`);
    return true;
  };
}

function resetProgress(ctx: RoadmapContext): Handler {
  return async () => {
    const loaded = requireLoaded(ctx);
    if (!loaded) {
      return false;
    }
    const reset = vscode.l10n.t('Reset');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Reset all roadmap progress?'),
      { modal: true, detail: vscode.l10n.t('Every step you marked complete will be marked incomplete.') },
      reset,
    );
    if (answer !== reset) {
      return false;
    }
    const ids = await loaded.progress.reset();
    ctx.log.info(`Reset progress of ${ids.length} item(s).`);
    return true;
  };
}

async function resolveStep(loaded: Loaded, arg: unknown, done: boolean): Promise<Step | undefined> {
  if (isStepNode(arg)) {
    return arg.step;
  }
  if (typeof arg === 'string') {
    const step = findStep(loaded.curriculum, arg);
    if (!step) {
      throw new UnknownProgressItemError(arg);
    }
    return step;
  }
  const candidates = loaded.curriculum.steps
    .map((step, index) => ({ step, index }))
    .filter(({ step }) => loaded.progress.isDone(step.id) !== done);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(
      done ? vscode.l10n.t('Every step is already complete.') : vscode.l10n.t('No step is complete yet.'),
    );
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

function isStepNode(arg: unknown): arg is Extract<RoadmapNode, { kind: 'step' }> {
  return typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === 'step';
}

function requireLoaded(ctx: RoadmapContext): Loaded | undefined {
  if (ctx.roadmap.ok) {
    return ctx.roadmap;
  }
  void vscode.window.showErrorMessage(ctx.roadmap.reason);
  return undefined;
}

/** Shows a failing command's error once, with the log one click away. */
function guarded(ctx: RoadmapContext, id: string, handler: Handler): Handler {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.log.error(`Command ${id} failed:`, error);
      const showLog = vscode.l10n.t('Show Log');
      void vscode.window.showErrorMessage(message, showLog).then((choice) => {
        if (choice === showLog) {
          ctx.log.show();
        }
      });
      return undefined;
    }
  };
}
