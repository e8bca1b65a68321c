// Mirrors progress into the context keys the walkthroughs' completionEvents watch, one way: the
// progress store is the source of truth. (VS Code never un-ticks a walkthrough step, so a key set
// back to false after a reset leaves the tick; the roadmap view shows the truth.)
import * as vscode from 'vscode';
import { BuiltInCommands, ContextKeys } from '../constants';
import { projectMilestoneKeys, stepState } from '../core/progress/summary';
import { currentStepId } from '../core/roadmap/next';
import { WalkthroughContext } from '../core/walkthrough/keys';
import type { LoadedRoadmap } from '../roadmap/roadmap';

export function registerWalkthroughContext(subscriptions: vscode.Disposable[], roadmap: LoadedRoadmap): void {
  const steps = roadmap.curriculum.steps;
  const projects = steps.flatMap((step) => step.projects ?? []);
  const set = (key: string, value: boolean | string | undefined) => void vscode.commands.executeCommand(BuiltInCommands.setContext, key, value);

  const stepIds = new Set(steps.map((step) => step.id));
  const milestoneKeys = new Set(projects.flatMap(projectMilestoneKeys));
  /** A topic's done key, or a milestone's verified key; steps are derived below. */
  const mirrorItem = (id: string) => {
    if (milestoneKeys.has(id)) {
      set(WalkthroughContext.verified(id), roadmap.isDone(id) && roadmap.get(id)?.origin === 'verified');
    } else if (!stepIds.has(id)) {
      set(WalkthroughContext.done(id), roadmap.isDone(id));
    }
  };
  // A step is done when marked or when all its topics are, so any change may complete one.
  // The current step decides which walkthroughs the Welcome page lists (their `when` clauses).
  const mirrorSteps = () => {
    steps.forEach((step) => set(WalkthroughContext.done(step.id), stepState(step, roadmap) === 'done'));
    set(ContextKeys.currentStep, currentStepId(roadmap.curriculum, roadmap));
  };
  const mirrorScaffolds = () => projects.forEach((project) => set(WalkthroughContext.scaffolded(project.id), roadmap.scaffold(project.id) !== undefined));

  [...steps.flatMap((step) => step.topics.map((topic) => topic.id)), ...milestoneKeys].forEach(mirrorItem);
  mirrorSteps();
  mirrorScaffolds();
  subscriptions.push(
    // Only what changed is mirrored: each key is a round trip to the workbench.
    roadmap.onDidChange(({ progressIds, projects: projectsChanged }) => {
      if (progressIds.length > 0) {
        progressIds.forEach(mirrorItem);
        mirrorSteps();
      }
      if (projectsChanged) {
        mirrorScaffolds();
      }
    }),
  );
}
