// Every id the extension names: commands (its own and VS Code's it runs), views, the status bar
// entry, the lesson webview, context keys, state keys, settings, events and tree item context
// values. One prefix everywhere; a unit test checks package.json agrees.

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

/** VS Code's own commands the extension runs. */
export const BuiltInCommands = {
  setContext: 'setContext',
  /** Reveals our view container (VS Code derives the id from the container's). */
  showContainer: `workbench.view.extension.${Views.container}`,
  openWalkthrough: 'workbench.action.openWalkthrough',
  manageWorkspaceTrust: 'workbench.trust.manage',
  showMarkdownPreview: 'markdown.showPreview',
  openSettings: 'workbench.action.openSettings',
} as const;

/** The status bar entry with the tally of steps done. */
export const StatusBarItems = {
  tally: 'dsRoadmap.status',
} as const;

/** The viewType of the lesson webview panels. */
export const WebviewTypes = {
  lesson: 'dsRoadmap.lesson',
} as const;

/** Activation and walkthrough completion events (`completionEvents` in package.json's walkthroughs). */
export const Events = {
  onCommand: (command: CommandId) => `onCommand:${command}`,
  onView: (view: (typeof Views)[keyof typeof Views]) => `onView:${view}`,
  onContext: (key: string) => `onContext:${key}`,
} as const;

export const ContextKeys = {
  curriculumLoadFailed: 'dsRoadmap.curriculumLoadFailed',
} as const;

/**
 * Prefixes of the context keys that mirror progress into walkthrough ticks; core/walkthrough/keys.ts
 * appends the item's id, spelled for a context key.
 */
export const ContextKeyPrefixes = {
  done: 'dsRoadmap.done.',
  scaffolded: 'dsRoadmap.scaffolded.',
  verified: 'dsRoadmap.verified.',
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

/** The Testing view's controller of the scaffolded projects' milestones. */
export const TEST_CONTROLLER_ID = 'dsRoadmap.milestones';

/** The task type of milestone checks (contributed in package.json taskDefinitions). */
export const CHECK_TASK_TYPE = 'dsRoadmap.check';

export const EXTENSION_ID = 'ds-roadmap.distributed-systems-roadmap';
