// Loads what the extension works on: the compiled curriculum (dist/curriculum.json), the progress
// store over this window's journal and VS Code's global state, and the project records; tells the
// learner once when stored progress was damaged. A curriculum that cannot load is a reason shown
// in the view, never a failed activation.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { StateKeys } from '../constants';
import { parseCompiledCurriculum } from '../core/curriculum/load';
import { progressItemIds } from '../core/curriculum/model';
import { reviewIds } from '../core/review/schedule';
import { ProjectRecords } from '../core/progress/projectRecords';
import { ensureSigningKey } from '../core/progress/signature';
import { ProgressStore } from '../core/progress/store';
import type { PhaseTimer } from '../core/util/phases';
import { JournalFiles } from '../progress/journalFiles';
import { watchJournals } from '../progress/watch';
import { LoadedRoadmap, type Roadmap } from './roadmap';

/**
 * Synchronous from start to end, so that the view registers in the same turn of the event loop:
 * each turn a starting extension host yields costs 20–300 ms behind other extensions' work. What
 * the store writes on opening follows, queued ahead of any change.
 */
export function loadRoadmap(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, timer?: PhaseTimer): Roadmap {
  // The extension's own files sit beside the extension host: read them directly, not through
  // vscode.workspace.fs, which goes through the workbench and costs a round trip. Read at once,
  // as require reads the bundle: the promise API waits its turn in a thread pool that a starting
  // extension host keeps busy (20 ms and more for this ~200 KB file, against under 1 ms).
  const file = vscode.Uri.joinPath(context.extensionUri, 'dist', 'curriculum.json');
  let text: string;
  try {
    text = readFileSync(file.fsPath, 'utf8');
  } catch (error) {
    const reason = vscode.l10n.t(
      'The roadmap\'s curriculum file {0} is missing. Reinstall the extension; if you build it from source, run "npm run build".',
      file.fsPath,
    );
    log.error(reason, error);
    return { ok: false, reason };
  }
  timer?.mark('curriculum read');
  const loaded = parseCompiledCurriculum(text, file.fsPath);
  timer?.mark('curriculum parse');
  if (!loaded.ok) {
    log.error(loaded.reason);
    return loaded;
  }

  // Each window appends to its own journal: a fresh id per window, letters and digits only.
  const journalFolder = join(context.globalStorageUri.fsPath, 'progress');
  const journal = new JournalFiles(journalFolder);
  const opened = ProgressStore.openNow(
    context.globalState,
    {
      key: StateKeys.progress,
      setAsidePrefix: StateKeys.progressSetAsidePrefix,
      // The steps, topics and milestones, and each topic's review state (core/review/schedule.ts).
      knownIds: new Set([...progressItemIds(loaded.curriculum), ...reviewIds(loaded.curriculum)]),
      journal,
      node: `w${randomBytes(6).toString('hex')}`,
      onSummaryError: (error) => log.error('Could not write the synced summary of your progress; your journal keeps every change.', error),
    },
    journal.readNow(),
  );
  const { store, problems, setAsideKey, setAsideFiles } = opened;
  opened.ready.catch((error: unknown) =>
    log.error('Could not make the writes that opening the roadmap progress makes (what is set aside, journals of closed windows, the summary).', error),
  );
  timer?.mark('store open');
  const projects = new ProjectRecords(context.globalState, StateKeys.projects);
  const signingKey = ensureSigningKey(context.globalState, StateKeys.signingKey);
  signingKey.stored.catch((error: unknown) => log.error('Could not store the signing key of your progress files.', error));
  timer?.mark('signing key');
  context.subscriptions.push(store, journal, projects);
  if (problems.length > 0) {
    const kept = [setAsideKey && vscode.l10n.t('globalState key "{0}"', setAsideKey), ...setAsideFiles.map((name) => join(journalFolder, name))].filter(
      Boolean,
    );
    log.warn(`Stored progress had problems (${problems.join('; ')}); the originals are kept as ${kept.join(', ')}.`);
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Some of your roadmap progress could not be read: {0}. Everything readable was kept, and the damaged data was saved aside (see the output log).',
        problems.join('; '),
      ),
    );
  }
  const roadmap = new LoadedRoadmap(loaded.curriculum, store, projects, signingKey.key);
  context.subscriptions.push(roadmap);
  return roadmap;
}

/**
 * The watcher on the other windows' journals: the first render does not need it, so it starts after,
 * and then re-reads once, for what another window wrote between the store's opening and the watch.
 */
export function startJournalWatcher(context: vscode.ExtensionContext, roadmap: LoadedRoadmap, log: vscode.LogOutputChannel): void {
  const store = roadmap.progress;
  const journalFolder = join(context.globalStorageUri.fsPath, 'progress');
  const reload = () => store.reload().catch((error: unknown) => log.error('Could not re-read the roadmap progress.', error));
  context.subscriptions.push(
    watchJournals(
      journalFolder,
      () => void reload(),
      (error) => log.warn(`Not watching ${journalFolder}: ${String(error)}`),
    ),
  );
  void reload();
}
