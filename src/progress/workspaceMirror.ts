// Keeps `.roadmap/progress.json` in the first workspace folder in step with the progress store
// while the setting is on (core/progress/mirror.ts does the merging): on activation, when the
// setting turns on, after each change of progress, and when the file changes on disk (a git pull).
// Writes go through vscode.workspace.fs, so remote and virtual workspaces work.
import * as vscode from 'vscode';
import { Settings, WORKSPACE_PROGRESS_FILE } from '../constants';
import { ProgressMirror, type MirrorFile } from '../core/progress/mirror';
import type { ProgressStore } from '../core/progress/store';

const WRITE_DELAY_MS = 300;

export function registerWorkspaceMirror(subscriptions: vscode.Disposable[], store: ProgressStore, log: vscode.LogOutputChannel): void {
  let active: { mirror: ProgressMirror; disposables: vscode.Disposable[] } | undefined;
  let lastProblem: string | undefined;

  const sync = async () => {
    if (!active) {
      return;
    }
    try {
      const outcome = await active.mirror.sync();
      if (outcome.kind === 'unreadable') {
        if (outcome.problem !== lastProblem) {
          lastProblem = outcome.problem;
          log.warn(outcome.problem);
          void vscode.window.showWarningMessage(outcome.problem);
        }
        return;
      }
      lastProblem = undefined;
      if (outcome.merged > 0 || outcome.written) {
        log.info(`${WORKSPACE_PROGRESS_FILE}: ${outcome.merged} record(s) merged in${outcome.written ? ', file written' : ''}.`);
      }
    } catch (error) {
      log.error(`Could not keep ${WORKSPACE_PROGRESS_FILE} in step with your progress.`, error);
    }
  };

  const stop = () => {
    for (const disposable of active?.disposables ?? []) {
      disposable.dispose();
    }
    active = undefined;
  };

  const start = () => {
    stop();
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || !vscode.workspace.getConfiguration().get<boolean>(Settings.keepProgressInWorkspace, false)) {
      return;
    }
    const uri = vscode.Uri.joinPath(folder.uri, WORKSPACE_PROGRESS_FILE);
    let timer: NodeJS.Timeout | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void sync(), WRITE_DELAY_MS);
    };
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, WORKSPACE_PROGRESS_FILE));
    active = {
      mirror: new ProgressMirror(store, workspaceFile(uri), vscode.workspace.asRelativePath(uri, true)),
      disposables: [
        watcher,
        watcher.onDidChange(soon),
        watcher.onDidCreate(soon),
        watcher.onDidDelete(soon),
        store.onDidChange(soon),
        { dispose: () => clearTimeout(timer) },
      ],
    };
    void sync();
  };

  subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(Settings.keepProgressInWorkspace)) {
        start();
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(start),
    { dispose: stop },
  );
  start();
}

function workspaceFile(uri: vscode.Uri): MirrorFile {
  const folder = vscode.Uri.joinPath(uri, '..');
  return {
    read: async () => {
      try {
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch (error) {
        if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') {
          return undefined;
        }
        throw error;
      }
    },
    write: async (text) => {
      await vscode.workspace.fs.createDirectory(folder);
      const temporary = vscode.Uri.joinPath(folder, `.progress.json.${Date.now().toString(36)}.tmp`);
      await vscode.workspace.fs.writeFile(temporary, new TextEncoder().encode(text));
      try {
        await vscode.workspace.fs.rename(temporary, uri, { overwrite: true });
      } catch (error) {
        await vscode.workspace.fs.delete(temporary).then(undefined, () => undefined);
        throw error;
      }
    },
  };
}
