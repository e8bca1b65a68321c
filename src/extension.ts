// Entry point: loads the compiled curriculum, the progress store and the project records, then
// wires the commands, views and lesson panels. No logic of its own.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { StateKeys } from './constants';
import { registerCommands } from './commands';
import { parseCompiledCurriculum } from './core/curriculum/load';
import { progressItemIds } from './core/curriculum/model';
import { ProjectRecords } from './core/progress/projectRecords';
import { ProgressStore } from './core/progress/store';
import { JournalFiles } from './progress/journalFiles';
import { watchJournals } from './progress/watch';
import { registerWorkspaceMirror } from './progress/workspaceMirror';
import type { CompiledTemplate } from './core/scaffold/template';
import { LessonPanels } from './lesson/lessonPanel';
import { registerRoadmapViews, revealMilestone, type RoadmapViews } from './roadmap/register';
import type { Roadmap, RoadmapContext } from './roadmapContext';
import { registerWalkthroughContext } from './walkthrough/contextKeys';

/** What the extension exports, for its integration tests. */
export interface RoadmapApi {
  readonly roadmap: Roadmap;
  readonly views: RoadmapViews;
  readonly lessons?: LessonPanels;
  /** The progress value as VS Code stored it, to check persistence. */
  storedProgress(): unknown;
}

export async function activate(context: vscode.ExtensionContext): Promise<RoadmapApi> {
  const started = Date.now();
  const log = vscode.window.createOutputChannel(vscode.l10n.t('Distributed Systems Roadmap'), { log: true });
  context.subscriptions.push(log);
  context.globalState.setKeysForSync([StateKeys.progress]);

  const roadmap = await loadRoadmap(context, log);
  const loadedAt = Date.now();
  let templates: Promise<readonly CompiledTemplate[]> | undefined;
  const ctx: RoadmapContext = {
    roadmap,
    log,
    extensionUri: context.extensionUri,
    scratchDir: context.globalStorageUri.fsPath,
    templates: () => (templates ??= readJson<CompiledTemplate[]>(templatesFile(context))),
  };
  const views = registerRoadmapViews(context, roadmap);
  const lessons = roadmap.ok
    ? new LessonPanels(ctx, roadmap, (project, milestone) => revealMilestone(views, roadmap, project, milestone))
    : undefined;
  if (lessons) {
    context.subscriptions.push(lessons);
  }
  if (roadmap.ok) {
    registerWalkthroughContext(context.subscriptions, roadmap);
    registerWorkspaceMirror(context.subscriptions, roadmap.progress, log);
  }
  registerCommands(context, ctx, { lessons });
  log.info(`Activated in ${Date.now() - started} ms (curriculum and progress loaded in ${loadedAt - started} ms).`);
  return { roadmap, views, lessons, storedProgress: () => context.globalState.get(StateKeys.progress) };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

async function loadRoadmap(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<Roadmap> {
  // The extension's own files sit beside the extension host: read them directly, not through
  // vscode.workspace.fs, which goes through the workbench and costs a round trip.
  const file = vscode.Uri.joinPath(context.extensionUri, 'dist', 'curriculum.json');
  let text: string;
  try {
    text = await readFile(file.fsPath, 'utf8');
  } catch (error) {
    const reason = vscode.l10n.t(
      'The roadmap\'s curriculum file {0} is missing. Reinstall the extension; if you build it from source, run "npm run build".',
      file.fsPath,
    );
    log.error(reason, error);
    return { ok: false, reason };
  }
  const loaded = parseCompiledCurriculum(text, file.fsPath);
  if (!loaded.ok) {
    log.error(loaded.reason);
    return loaded;
  }

  // Each window appends to its own journal: a fresh id per window, letters and digits only.
  const journalFolder = join(context.globalStorageUri.fsPath, 'progress');
  const { store, problems, setAsideKey, setAsideFiles } = await ProgressStore.open(context.globalState, {
    key: StateKeys.progress,
    setAsidePrefix: StateKeys.progressSetAsidePrefix,
    knownIds: progressItemIds(loaded.curriculum),
    journal: new JournalFiles(journalFolder),
    node: `w${randomBytes(6).toString('hex')}`,
  });
  const projects = new ProjectRecords(context.globalState, StateKeys.projects);
  const reload = () => store.reload().catch((error: unknown) => log.error('Could not re-read the roadmap progress.', error));
  context.subscriptions.push(store, projects, watchJournals(journalFolder, () => void reload(), (error) => log.warn(`Not watching ${journalFolder}: ${String(error)}`)));
  if (problems.length > 0) {
    const kept = [setAsideKey && `globalState key "${setAsideKey}"`, ...setAsideFiles.map((name) => join(journalFolder, name))].filter(Boolean);
    log.warn(`Stored progress had problems (${problems.join('; ')}); the originals are kept as ${kept.join(', ')}.`);
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Some of your roadmap progress could not be read: {0}. Everything readable was kept, and the damaged data was saved aside (see the output log).',
        problems.join('; '),
      ),
    );
  }
  return {
    ok: true,
    curriculum: loaded.curriculum,
    progress: store,
    projects,
    view: {
      isDone: (id) => store.isDone(id),
      get: (id) => store.get(id),
      lastCheck: (key) => projects.lastCheck(key),
      scaffold: (projectId) => projects.scaffold(projectId),
    },
  };
}

/**
 * dist/templates.json; under test (ExtensionMode.Test) the integration tests may point
 * DS_ROADMAP_TEST_TEMPLATES at compiled fixture templates instead.
 */
function templatesFile(context: vscode.ExtensionContext): vscode.Uri {
  const fixture = process.env.DS_ROADMAP_TEST_TEMPLATES;
  if (context.extensionMode === vscode.ExtensionMode.Test && fixture) {
    return vscode.Uri.file(fixture);
  }
  return vscode.Uri.joinPath(context.extensionUri, 'dist', 'templates.json');
}

async function readJson<T>(uri: vscode.Uri): Promise<T> {
  return JSON.parse(await readFile(uri.fsPath, 'utf8')) as T;
}
