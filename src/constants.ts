// Every id the extension names: commands (its own and VS Code's it runs), views, the status bar
// entry, the lesson webview, context keys, state keys, settings, events and tree item context
// values. One prefix everywhere; a unit test checks package.json agrees.

export const PREFIX = 'dsRoadmap';

export const Commands = {
  openRoadmap: 'dsRoadmap.openRoadmap',
  continue: 'dsRoadmap.continue',
  markStepComplete: 'dsRoadmap.markStepComplete',
  markStepIncomplete: 'dsRoadmap.markStepIncomplete',
  resetProgress: 'dsRoadmap.resetProgress',
  showLog: 'dsRoadmap.showLog',
  markTopicComplete: 'dsRoadmap.markTopicComplete',
  markTopicIncomplete: 'dsRoadmap.markTopicIncomplete',
  openLesson: 'dsRoadmap.openLesson',
  openNotes: 'dsRoadmap.openNotes',
  goToTopic: 'dsRoadmap.goToTopic',
  scaffoldProject: 'dsRoadmap.scaffoldProject',
  checkMilestone: 'dsRoadmap.checkMilestone',
  openProjectReadme: 'dsRoadmap.openProjectReadme',
  openInWalkthrough: 'dsRoadmap.openInWalkthrough',
  openWalkthrough: 'dsRoadmap.openWalkthrough',
  exportProgress: 'dsRoadmap.exportProgress',
  importProgress: 'dsRoadmap.importProgress',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

export const Views = {
  container: 'dsRoadmap',
  roadmap: 'dsRoadmap.roadmap',
  plan: 'dsRoadmap.studyPlan',
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
  onWebviewPanel: (viewType: (typeof WebviewTypes)[keyof typeof WebviewTypes]) => `onWebviewPanel:${viewType}`,
} as const;

export const ContextKeys = {
  curriculumLoadFailed: 'dsRoadmap.curriculumLoadFailed',
  /** The id of the step the learner is at (core/roadmap/next.ts currentStepId): which walkthroughs the Welcome page lists. */
  currentStep: 'dsRoadmap.currentStep',
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
  reviews: 'reviews',
  reviewTopic: 'reviewTopic',
} as const;

/** Setting keys (contributes.configuration in package.json). */
export const Settings = {
  nodePath: 'dsRoadmap.nodePath',
  notesFolder: 'dsRoadmap.notes.folder',
  keepProgressInWorkspace: 'dsRoadmap.progress.keepInWorkspace',
  planHoursPerWeek: 'dsRoadmap.plan.hoursPerWeek',
  planStartDate: 'dsRoadmap.plan.startDate',
} as const;

/** The prefix of the study plan's settings: what a configuration change and the Settings editor's search name. */
export const PLAN_SETTINGS_SECTION = 'dsRoadmap.plan';

/** The committable copy of the progress, relative to the first workspace folder. */
export const WORKSPACE_PROGRESS_FILE = '.roadmap/progress.json';

/** The Testing view's controller of the scaffolded projects' milestones. */
export const TEST_CONTROLLER_ID = 'dsRoadmap.milestones';

/** The task type of milestone checks (contributed in package.json taskDefinitions). */
export const CHECK_TASK_TYPE = 'dsRoadmap.check';

export const EXTENSION_ID = 'ds-roadmap.distributed-systems-roadmap';
