// Where a topic's notes live and what a new notes file starts with. The folder is the learner's
// choice (the machine-scoped setting dsRoadmap.notes.folder, so a workspace cannot point it
// elsewhere); by default `.roadmap/notes/` in the workspace. Topic ids are the curriculum's
// (lower-case letters, digits and dashes), so a file name never leaves the folder.
import * as l10n from '@vscode/l10n';
import { isAbsolute, join } from 'node:path';
import type { Step, Topic } from '../curriculum/model';
import { ID_PATTERN } from '../curriculum/ids';

export const DEFAULT_NOTES_FOLDER = join('.roadmap', 'notes');

/**
 * The notes folder: the setting when it is absolute; otherwise the setting (or the default) inside
 * the workspace folder; without a workspace folder, `notes` in the extension's own storage.
 */
export function notesFolder(setting: string, workspaceFolder: string | undefined, storageFolder: string): string {
  const chosen = setting.trim();
  if (chosen && isAbsolute(chosen)) {
    return chosen;
  }
  return workspaceFolder ? join(workspaceFolder, chosen || DEFAULT_NOTES_FOLDER) : join(storageFolder, 'notes');
}

/** The notes file of a topic in `folder`; throws on an id that is not a curriculum id. */
export function notesFile(folder: string, topicId: string): string {
  if (!ID_PATTERN.test(topicId)) {
    throw new Error(l10n.t('"{0}" is not a topic id', topicId));
  }
  return join(folder, `${topicId}.md`);
}

/** What a new notes file holds: the topic as a heading and where it sits in the roadmap. */
export function notesTemplate(step: Step, stepNumber: number, topic: Topic): string {
  return `# ${topic.title}\n\n${l10n.t('Step {0}: {1}. My notes on this topic.', stepNumber, step.title)}\n\n`;
}
