// Names shared by the generated walkthroughs and the extension: walkthrough and step ids derived
// from curriculum ids, and the context keys that mirror progress into walkthrough ticks.
// Step ids must never change: VS Code keeps a walkthrough step's tick under its id.
import { ContextKeyPrefixes } from '../../constants';

/** Context keys hold only letters, digits, '_' and '.': hyphens and slashes are spelled out. */
export function contextKeySuffix(id: string): string {
  return id.replace(/\//g, '__').replace(/-/g, '_');
}

export const WalkthroughContext = {
  /** A step or topic marked done. */
  done: (id: string) => `${ContextKeyPrefixes.done}${contextKeySuffix(id)}`,
  /** A project scaffolded on this machine. */
  scaffolded: (projectId: string) => `${ContextKeyPrefixes.scaffolded}${contextKeySuffix(projectId)}`,
  /** A milestone (`<project>/<milestone>`) verified by a check. */
  verified: (key: string) => `${ContextKeyPrefixes.verified}${contextKeySuffix(key)}`,
} as const;

export const WalkthroughIds = {
  startHere: 'start-here',
  step: (stepId: string) => `step-${stepId}`,
  project: (projectId: string) => `project-${projectId}`,
  topicStep: (topicId: string) => `topic-${topicId}`,
  milestoneStep: (milestoneId: string) => `milestone-${milestoneId}`,
} as const;
