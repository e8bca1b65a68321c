// Scaffolding and checking step-6 projects: bundled apart from the extension (dist/projects.js)
// and loaded by commands.ts the first time one of those commands runs, so none of it is on the
// activation path.
export { checkMilestone, runMilestoneCheck, runSingleTest, whyRunningIsRefused, type CheckResult, type MilestoneRef, type RunObserver } from './check';
export { scaffoldProject, type ScaffoldOptions } from './scaffold';
export { declaredTests } from '../core/check/discover';
