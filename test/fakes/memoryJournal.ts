// An in-memory journals folder, honest to the disk one: appends add to a file (creating it),
// `replace` swaps a file whole, renames fail for a missing file, and faults can be injected.
import type { JournalDirectory } from '../../src/core/progress/journal';

export class MemoryJournal implements JournalDirectory {
  readonly files = new Map<string, { text: string; modified: number }>();
  /** When set, the next append rejects with this error (once), writing nothing. */
  failNextAppend: Error | undefined;
  now: () => number = () => 0;

  list(): Promise<string[]> {
    return Promise.resolve([...this.files.keys()]);
  }

  read(name: string): Promise<string | undefined> {
    return Promise.resolve(this.files.get(name)?.text);
  }

  append(name: string, text: string): Promise<void> {
    if (this.failNextAppend) {
      const error = this.failNextAppend;
      this.failNextAppend = undefined;
      return Promise.reject(error);
    }
    this.files.set(name, { text: (this.files.get(name)?.text ?? '') + text, modified: this.now() });
    return Promise.resolve();
  }

  replace(name: string, text: string): Promise<void> {
    this.files.set(name, { text, modified: this.now() });
    return Promise.resolve();
  }

  rename(from: string, to: string): Promise<void> {
    const file = this.files.get(from);
    if (!file) {
      return Promise.reject(Object.assign(new Error(`ENOENT: ${from}`), { code: 'ENOENT' }));
    }
    this.files.delete(from);
    this.files.set(to, file);
    return Promise.resolve();
  }

  remove(name: string): Promise<void> {
    this.files.delete(name);
    return Promise.resolve();
  }

  modified(name: string): Promise<number | undefined> {
    return Promise.resolve(this.files.get(name)?.modified);
  }

  /** Writes a file as is, e.g. a damaged journal. */
  put(name: string, text: string, modified = this.now()): this {
    this.files.set(name, { text, modified });
    return this;
  }
}
