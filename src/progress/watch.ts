// Notices other windows' journal writes: a watcher on the journals folder, debounced, re-reads
// the progress. Focus also re-reads (registered with the views), for file systems where watching
// is unreliable.
import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import type { Disposable } from '../core/util/event';

export function watchJournals(folder: string, onChange: () => void, onError: (error: unknown) => void, delayMs = 150): Disposable {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    mkdirSync(folder, { recursive: true });
    watcher = watch(folder, { persistent: false }, (_event, name) => {
      if (name && !name.startsWith('journal-')) {
        return; // Temporary files and set-aside copies.
      }
      clearTimeout(timer);
      timer = setTimeout(onChange, delayMs);
    });
    watcher.on('error', onError);
  } catch (error) {
    onError(error);
  }
  return {
    dispose: () => {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
