// "Scaffold Project…": prompts (which project, which folder), then the core's plan, a choice when
// files exist, and the all-or-nothing write through vscode.workspace.fs; finally opens the README,
// reveals the folder and records where the project lives.
import * as vscode from 'vscode';
import { BuiltInCommands } from '../constants';
import { findProject, type Project } from '../core/curriculum/model';
import { applyScaffold, planScaffold, ScaffoldPlanError, ScaffoldWriteError, type ScaffoldPlan } from '../core/scaffold/plan';
import { packageNameFrom } from '../core/scaffold/render';
import { variableValues, type CompiledTemplate } from '../core/scaffold/template';
import type { LoadedRoadmap, RoadmapContext } from '../roadmap/roadmap';
import { targetFileSystem, templateSource } from './fileSystems';
import { warnAboutNode } from './nodeVersion';

export interface ScaffoldResult {
  readonly folder: vscode.Uri;
  readonly written: readonly string[];
  readonly skipped: readonly string[];
}

/** Options for callers that already know the answers (walkthrough buttons, tests). */
export interface ScaffoldOptions {
  readonly folder?: vscode.Uri;
  /** What to do when files exist, instead of asking. */
  readonly onConflict?: 'skip-existing' | 'cancel';
}

export async function scaffoldProject(
  ctx: RoadmapContext,
  roadmap: LoadedRoadmap,
  projectId: string | undefined,
  options: ScaffoldOptions = {},
): Promise<ScaffoldResult | undefined> {
  const templates = await ctx.templates();
  const project = projectId ? findProject(roadmap.curriculum, projectId) : await pickProject(roadmap, templates);
  if (!project) {
    if (projectId) {
      throw new Error(vscode.l10n.t('"{0}" is not a project of the roadmap.', projectId));
    }
    return undefined;
  }
  const template = templates.find((candidate) => candidate.project === project.id);
  if (!template) {
    throw new Error(vscode.l10n.t('The template of "{0}" is not available in this version of the extension.', project.title));
  }
  await warnAboutNode(template, ctx.log);
  const folder = options.folder ?? (await pickTargetFolder(project));
  if (!folder) {
    return undefined;
  }

  const values = variableValues(template, { projectName: packageNameFrom(lastSegment(folder), project.id) });
  const target = targetFileSystem(folder);
  const plan = await planScaffold(template, values, target);
  const skipExisting = await decideOnConflicts(plan, folder, options.onConflict);
  if (skipExisting === undefined) {
    return undefined;
  }

  let result;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Scaffolding {0}', project.title) },
      (progress) =>
        applyScaffold(template, plan, values, templateSource(ctx.extensionUri, template), target, {
          skipExisting,
          onProgress: (written, total, path) => progress.report({ increment: 100 / total, message: `${written}/${total} ${path}` }),
        }),
    );
  } catch (error) {
    if (error instanceof ScaffoldWriteError || error instanceof ScaffoldPlanError) {
      ctx.log.error(`Scaffolding ${project.id} into ${folder.toString()} failed: ${error.message}`);
    }
    throw error;
  }

  await roadmap.projects.recordScaffold(project.id, { folder: folder.toString(), at: new Date().toISOString() });
  ctx.log.info(`Scaffolded ${project.id} into ${folder.toString()}: ${result.written.length} written, ${result.skipped.length} kept.`);
  await revealProject(folder, template);
  return { folder, written: result.written, skipped: result.skipped };
}

async function pickProject(roadmap: LoadedRoadmap, templates: readonly CompiledTemplate[]): Promise<Project | undefined> {
  const projects = roadmap.curriculum.steps.flatMap((step) => step.projects ?? []);
  const picked = await vscode.window.showQuickPick(
    projects.map((project) => {
      const available = templates.some((template) => template.project === project.id);
      const milestones = project.milestones?.length ?? 0;
      return {
        label: project.title,
        description: available ? vscode.l10n.t('{0} milestones', milestones) : vscode.l10n.t('template not available yet'),
        detail: project.description ?? project.idea,
        project,
      };
    }),
    {
      title: vscode.l10n.t('Scaffold Project'),
      placeHolder: vscode.l10n.t('Choose the project to start'),
      matchOnDetail: true,
      // Started from a walkthrough button, focus may move back to the walkthrough: keep the prompt.
      ignoreFocusOut: true,
    },
  );
  return picked?.project;
}

/** A new folder inside the open workspace (named after the project), or any folder the learner picks. */
async function pickTargetFolder(project: Project): Promise<vscode.Uri | undefined> {
  const workspaceFolders = vscode.workspace.workspaceFolders ?? [];
  if (workspaceFolders.length === 0) {
    return chooseFolder(project);
  }
  type Choice = vscode.QuickPickItem & { readonly root?: vscode.Uri };
  const choices: Choice[] = [
    ...workspaceFolders.map((folder) => ({
      label: `$(new-folder) ${vscode.l10n.t('New folder in {0}', folder.name)}`,
      description: `${folder.name}/${project.id}`,
      root: folder.uri,
    })),
    { label: `$(folder-opened) ${vscode.l10n.t('Choose a folder…')}` },
  ];
  const choice = await vscode.window.showQuickPick(choices, {
    title: vscode.l10n.t('Where should {0} go?', project.title),
    ignoreFocusOut: true,
  });
  if (!choice) {
    return undefined;
  }
  if (!choice.root) {
    return chooseFolder(project);
  }
  const root = choice.root;
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Folder name'),
    value: project.id,
    ignoreFocusOut: true,
    validateInput: async (value) => {
      const trimmed = value.trim();
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(trimmed)) {
        return vscode.l10n.t('Use letters, digits, ".", "_" and "-", starting with a letter or digit.');
      }
      const exists = await Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.joinPath(root, trimmed))).then(
        () => true,
        () => false,
      );
      return exists
        ? {
            message: vscode.l10n.t('The folder exists: only files that are not there yet will be written.'),
            severity: vscode.InputBoxValidationSeverity.Warning,
          }
        : undefined;
    },
  });
  return name ? vscode.Uri.joinPath(root, name.trim()) : undefined;
}

async function chooseFolder(project: Project): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: vscode.l10n.t('Scaffold Here'),
    title: vscode.l10n.t('Choose the folder for {0}', project.title),
  });
  return picked?.[0];
}

/** True: write only new files; false: no conflicts; undefined: cancelled. */
async function decideOnConflicts(plan: ScaffoldPlan, folder: vscode.Uri, preset: ScaffoldOptions['onConflict']): Promise<boolean | undefined> {
  if (plan.conflicts.length === 0) {
    return false;
  }
  if (preset) {
    return preset === 'skip-existing' ? true : undefined;
  }
  const writeNew = vscode.l10n.t('Write Only New Files');
  const shown = plan.conflicts.slice(0, 8).map((path) => `• ${path}`);
  if (plan.conflicts.length > shown.length) {
    shown.push(vscode.l10n.t('… and {0} more', plan.conflicts.length - shown.length));
  }
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} file(s) already exist in {1} and will not be changed.', plan.conflicts.length, lastSegment(folder)),
    { modal: true, detail: shown.join('\n') },
    writeNew,
  );
  return answer === writeNew ? true : undefined;
}

async function revealProject(folder: vscode.Uri, template: CompiledTemplate): Promise<void> {
  const readme = vscode.Uri.joinPath(folder, ...template.readme.split('/'));
  await vscode.commands
    .executeCommand(BuiltInCommands.showMarkdownPreview, readme)
    .then(undefined, () => vscode.window.showTextDocument(readme, { preview: true }));
  if (vscode.workspace.getWorkspaceFolder(folder)) {
    await vscode.commands.executeCommand('revealInExplorer', folder).then(undefined, () => undefined);
    return;
  }
  const open = vscode.l10n.t('Open Folder');
  const add = vscode.l10n.t('Add to Workspace');
  void vscode.window.showInformationMessage(vscode.l10n.t('The project is outside the open workspace.'), open, add).then((choice) => {
    if (choice === open) {
      void vscode.commands.executeCommand('vscode.openFolder', folder, { forceNewWindow: true });
    } else if (choice === add) {
      vscode.workspace.updateWorkspaceFolders(vscode.workspace.workspaceFolders?.length ?? 0, 0, { uri: folder });
    }
  });
}

function lastSegment(uri: vscode.Uri): string {
  return uri.path.split('/').filter(Boolean).pop() ?? '';
}
