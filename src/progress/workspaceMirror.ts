// Keeps `.roadmap/progress.json` in the first workspace folder in step with the progress store
// (core/progress/mirror.ts does the merging) while the learner's own setting is on and the
// workspace is trusted: on activation, when either turns on, after each change of progress, and
// when the file changes on disk (a git pull). A repository's own settings cannot turn it on
// (config.ts). Writes go through vscode.workspace.fs, so remote and virtual workspaces work.
import * as vscode from 'vscode';
import { keepProgressInWorkspace } from '../config';
import { Commands, Settings, WORKSPACE_PROGRESS_FILE } from '../constants';
import { ProgressMirror, type EntryFacts, type MirrorFile } from '../core/progress/mirror';
import type { LoadedRoadmap } from '../roadmap/roadmap';

const WRITE_DELAY_MS = 300;

export function registerWorkspaceMirror(subscriptions: vscode.Disposable[], roadmap: LoadedRoadmap, log: vscode.LogOutputChannel): void {
  const store = roadmap.progress;
  let active: { mirror: ProgressMirror; uri: vscode.Uri; disposables: vscode.Disposable[] } | undefined;
  let lastProblem: string | undefined;

  const sync = async () => {
    if (!active) {
      return;
    }
    try {
      const { mirror, uri } = active;
      const outcome = await mirror.sync();
      if (outcome.kind !== 'in-step') {
        if (outcome.problem !== lastProblem) {
          lastProblem = outcome.problem;
          log.warn(outcome.problem);
          const importIt = vscode.l10n.t('Import…');
          const actions = outcome.kind === 'foreign' ? [importIt] : [];
          void vscode.window.showWarningMessage(outcome.problem, ...actions).then(async (choice) => {
            if (choice === importIt) {
              await vscode.commands.executeCommand(Commands.importProgress, uri);
              await sync();
            }
          });
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
    // An untrusted workspace's file is never read: trusting it starts the copy (onDidGrantWorkspaceTrust).
    if (!folder || !vscode.workspace.isTrusted || !keepProgressInWorkspace()) {
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
      uri,
      mirror: new ProgressMirror(store, workspaceFile(uri), vscode.workspace.asRelativePath(uri, true), roadmap.signingKey),
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
    vscode.workspace.onDidGrantWorkspaceTrust(start),
    { dispose: stop },
  );
  start();
}

function workspaceFile(uri: vscode.Uri): MirrorFile {
  const folder = vscode.Uri.joinPath(uri, '..');
  return {
    inspect: async () => ({ folder: await facts(folder), file: await facts(uri) }),
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

/** What is at `uri`; VS Code's stat marks a symbolic link (even a dangling one) with the SymbolicLink bit. */
async function facts(uri: vscode.Uri): Promise<EntryFacts> {
  let stat: vscode.FileStat;
  try {
    stat = await vscode.workspace.fs.stat(uri);
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') {
      return { kind: 'missing', symbolicLink: false, size: 0 };
    }
    throw error;
  }
  const symbolicLink = (stat.type & vscode.FileType.SymbolicLink) !== 0;
  const kind = stat.type & vscode.FileType.Directory ? 'folder' : stat.type & vscode.FileType.File ? 'file' : 'other';
  return { kind, symbolicLink, size: kind === 'file' ? stat.size : 0 };
}
