// Every id the extension shares with package.json: commands, views, context keys, state keys and
// tree item context values. One prefix everywhere; a unit test checks package.json agrees.

export const PREFIX = 'dsRoadmap';

export const Commands = {
  openRoadmap: 'dsRoadmap.openRoadmap',
  markStepComplete: 'dsRoadmap.markStepComplete',
  markStepIncomplete: 'dsRoadmap.markStepIncomplete',
  resetProgress: 'dsRoadmap.resetProgress',
  showLog: 'dsRoadmap.showLog',
  markTopicComplete: 'dsRoadmap.markTopicComplete',
  markTopicIncomplete: 'dsRoadmap.markTopicIncomplete',
  openLesson: 'dsRoadmap.openLesson',
  goToTopic: 'dsRoadmap.goToTopic',
  scaffoldProject: 'dsRoadmap.scaffoldProject',
  checkMilestone: 'dsRoadmap.checkMilestone',
  openProjectReadme: 'dsRoadmap.openProjectReadme',
  openInWalkthrough: 'dsRoadmap.openInWalkthrough',
  exportProgress: 'dsRoadmap.exportProgress',
  importProgress: 'dsRoadmap.importProgress',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

export const Views = {
  container: 'dsRoadmap',
  roadmap: 'dsRoadmap.roadmap',
} as const;

/** Built-in command that reveals our view container (VS Code derives it from the container id). */
export const SHOW_CONTAINER_COMMAND = `workbench.view.extension.${Views.container}`;

export const ContextKeys = {
  curriculumLoadFailed: 'dsRoadmap.curriculumLoadFailed',
} as const;

/** Keys in the extension's globalState. The progress key is versioned inside its value. */
export const StateKeys = {
  progress: 'dsRoadmap.progress',
  progressSetAsidePrefix: 'dsRoadmap.progress.setAside.',
  /** The learner's key that signs progress files their roadmap writes (core/progress/signature.ts). Synced. */
  signingKey: 'dsRoadmap.signingKey',
  /** Machine-local: where projects were scaffolded and their last checks. Not synced. */
  projects: 'dsRoadmap.projects',
} as const;

/** `contextValue`s of tree items, matched by `viewItem` in package.json menus. */
export const TreeItemKinds = {
  stepDone: 'step.done',
  stepTodo: 'step.todo',
  topicDone: 'topic.done',
  topicTodo: 'topic.todo',
  milestone: 'milestone',
  project: 'project',
  detail: 'detail',
} as const;

/** Setting keys (contributes.configuration in package.json). */
export const Settings = {
  nodePath: 'dsRoadmap.nodePath',
  keepProgressInWorkspace: 'dsRoadmap.progress.keepInWorkspace',
} as const;

/** The committable copy of the progress, relative to the first workspace folder. */
export const WORKSPACE_PROGRESS_FILE = '.roadmap/progress.json';

/** The task type of milestone checks (contributed in package.json taskDefinitions). */
export const CHECK_TASK_TYPE = 'dsRoadmap.check';

export const EXTENSION_ID = 'ds-roadmap.distributed-systems-roadmap';
