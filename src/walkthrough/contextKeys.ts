// Mirrors progress into the context keys the walkthroughs' completionEvents watch, one way: the
// progress store is the source of truth. (VS Code never un-ticks a walkthrough step, so a key set
// back to false after a reset leaves the tick; the roadmap view shows the truth.)
import * as vscode from 'vscode';
import { projectMilestoneKeys, stepState } from '../core/progress/summary';
import { WalkthroughContext } from '../core/walkthrough/keys';
import type { LoadedRoadmap } from '../roadmapContext';

export function registerWalkthroughContext(subscriptions: vscode.Disposable[], roadmap: LoadedRoadmap): void {
  const { curriculum, view } = roadmap;
  const steps = curriculum.steps;
  const projects = steps.flatMap((step) => step.projects ?? []);
  const set = (key: string, value: boolean) => void vscode.commands.executeCommand('setContext', key, value);

  const mirrorTopics = (ids: readonly string[]) => ids.forEach((id) => set(WalkthroughContext.done(id), view.isDone(id)));
  // A step is done when marked or when all its topics are.
  const mirrorSteps = () => steps.forEach((step) => set(WalkthroughContext.done(step.id), stepState(step, view) === 'done'));
  const mirrorProjects = () => {
    for (const project of projects) {
      set(WalkthroughContext.scaffolded(project.id), view.scaffold?.(project.id) !== undefined);
      for (const key of projectMilestoneKeys(project)) {
        set(WalkthroughContext.verified(key), view.get(key)?.origin === 'verified' && view.isDone(key));
      }
    }
  };
  mirrorTopics(steps.flatMap((step) => step.topics.map((topic) => topic.id)));
  mirrorSteps();
  mirrorProjects();
  subscriptions.push(
    roadmap.progress.onDidChange((ids) => {
      mirrorTopics(ids);
      mirrorSteps();
      mirrorProjects();
    }),
    roadmap.projects.onDidChange(mirrorProjects),
  );
}
