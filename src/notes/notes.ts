// "Open notes": the topic's Markdown notes file, created on first use (never overwritten) in the
// folder the learner chose (core/notes/notes.ts), then opened beside the lesson.
import * as vscode from 'vscode';
import { Settings } from '../constants';
import { findTopic, type Curriculum } from '../core/curriculum/model';
import { notesFile, notesFolder, notesTemplate } from '../core/notes/notes';
import { showFailure } from '../errors';
import type { RoadmapContext } from '../roadmap/roadmap';

/** Opens (creating it when missing) the notes of a topic; the file's URI, or undefined when it failed (shown). */
export async function openNotes(ctx: RoadmapContext, curriculum: Curriculum, topicId: string): Promise<vscode.Uri | undefined> {
  const found = findTopic(curriculum, topicId);
  if (!found) {
    return undefined;
  }
  try {
    const setting = vscode.workspace.getConfiguration().get<string>(Settings.notesFolder, '');
    const workspaceFolder = vscode.workspace.workspaceFolders?.find((folder) => folder.uri.scheme === 'file')?.uri.fsPath;
    const file = vscode.Uri.file(notesFile(notesFolder(setting, workspaceFolder, ctx.scratchDir), topicId));
    const exists = await Promise.resolve(vscode.workspace.fs.stat(file)).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(file, '..'));
      const stepNumber = curriculum.steps.indexOf(found.step) + 1;
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(notesTemplate(found.step, stepNumber, found.topic)));
    }
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    return file;
  } catch (error) {
    showFailure(ctx.log, `Opening the notes of "${found.topic.title}"`, error);
    return undefined;
  }
}
