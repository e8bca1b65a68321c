// Entry point: loads the compiled curriculum and the progress store, then wires the commands and
// views. No logic of its own.
import * as vscode from 'vscode';
import { StateKeys } from './constants';
import { parseCompiledCurriculum } from './core/curriculum/load';
import { progressItemIds } from './core/curriculum/model';
import { ProgressStore } from './core/progress/store';
import { registerCommands } from './commands';
import { registerRoadmapViews, type RoadmapViews } from './roadmap/register';
import type { Roadmap, RoadmapContext } from './roadmapContext';

/** What the extension exports, for its integration tests. */
export interface RoadmapApi {
  readonly roadmap: Roadmap;
  readonly views: RoadmapViews;
  /** The progress value as VS Code stored it, to check persistence. */
  storedProgress(): unknown;
}

export async function activate(context: vscode.ExtensionContext): Promise<RoadmapApi> {
  const started = Date.now();
  const log = vscode.window.createOutputChannel(vscode.l10n.t('Distributed Systems Roadmap'), { log: true });
  context.subscriptions.push(log);
  context.globalState.setKeysForSync([StateKeys.progress]);

  const roadmap = await loadRoadmap(context, log);
  const ctx: RoadmapContext = { roadmap, log };
  registerCommands(context, ctx);
  const views = registerRoadmapViews(context, ctx);
  log.info(`Activated in ${Date.now() - started} ms.`);
  return { roadmap, views, storedProgress: () => context.globalState.get(StateKeys.progress) };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

async function loadRoadmap(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<Roadmap> {
  const file = vscode.Uri.joinPath(context.extensionUri, 'dist', 'curriculum.json');
  let text: string;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
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

  const { store, problems, setAsideKey } = await ProgressStore.open(context.globalState, {
    key: StateKeys.progress,
    setAsidePrefix: StateKeys.progressSetAsidePrefix,
    knownIds: progressItemIds(loaded.curriculum),
  });
  context.subscriptions.push(store);
  if (problems.length > 0) {
    log.warn(`Stored progress had problems (${problems.join('; ')}); the original value is kept under "${setAsideKey}".`);
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Some of your roadmap progress could not be read: {0}. Everything readable was kept, and the original was saved aside.',
        problems.join('; '),
      ),
    );
  }
  return { ok: true, curriculum: loaded.curriculum, progress: store };
}
