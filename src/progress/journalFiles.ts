// The journals folder on disk (node:fs; the folder is the extension's globalStorageUri, always a
// local path). Whole-file writes go to a temporary file in the same folder, are flushed, then
// renamed over the target; appends are flushed before they resolve, to the file that bears the
// journal's name at that moment.
// Listing, reading and stat-ing are synchronous: they take microseconds on these small local
// files, while the promise API queues them behind a thread pool that a starting extension host
// keeps busy (store open took 34–437 ms of waiting in the bench's activations). Writes stay
// asynchronous: an fdatasync can take long, and must never stall the extension host.
import { randomBytes } from 'node:crypto';
import { close, constants, fstatSync, open as openFile, readdirSync, readFileSync, statSync, write } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { isJournalName, type JournalDirectory, type JournalFile } from '../core/progress/journal';

/**
 * Appends open the journal with O_DSYNC where the platform has it (Linux, macOS): each write then
 * returns once its data is on disk, as write + fdatasync would, in one call instead of two.
 * Elsewhere (Windows) the append calls datasync itself.
 */
const APPEND_DSYNC = typeof constants.O_DSYNC === 'number' && process.platform !== 'win32';
const APPEND_FLAGS = APPEND_DSYNC ? constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC : 'a';

export class JournalFiles implements JournalDirectory {
  /** Whether the folder was made: an append then skips a mkdir. */
  private folderMade = false;
  /**
   * The journal last appended to, left open (O_DSYNC appends only) with the file it was opened as:
   * a toggle then costs one write, not an open, a write and a close, each a turn of the thread pool.
   */
  private kept: { readonly name: string; readonly fd: number; readonly dev: number; readonly ino: number } | undefined;

  constructor(readonly folder: string) {}

  list(): Promise<string[]> {
    return settled(() => readdirSync(this.folder), []);
  }

  read(name: string): Promise<string | undefined> {
    return settled(() => readFileSync(join(this.folder, name), 'utf8'), undefined);
  }

  /** Every journal, in name order, with its text and modification time, read at once for ProgressStore.openNow. */
  readNow(): JournalFile[] {
    const files: JournalFile[] = [];
    for (const name of readdirOrNone(this.folder).filter(isJournalName).sort()) {
      const path = join(this.folder, name);
      try {
        files.push({ name, text: readFileSync(path, 'utf8'), modified: statSync(path).mtimeMs });
      } catch (error) {
        // Removed since it was listed: another window folded it, and took its records first.
        if (!isMissing(error)) {
          throw error;
        }
      }
    }
    return files;
  }

  async append(name: string, text: string): Promise<void> {
    if (!APPEND_DSYNC) {
      const file = await this.openToAppend(name);
      try {
        await file.appendFile(text, 'utf8');
        await file.datasync();
      } finally {
        // The text is on disk once datasync resolved: the change need not wait for the close.
        file.close().catch(() => undefined);
      }
      return;
    }
    const fd = this.keptOpen(name) ?? (await this.openToKeep(name));
    try {
      // O_DSYNC: the text is on disk once the write resolves.
      await writeAll(fd, Buffer.from(text, 'utf8'));
    } catch (error) {
      this.forget();
      throw error;
    }
  }

  /**
   * The descriptor kept open on `name` while the file of that name is still the one it was opened
   * as. Another window folding this journal renames it first, a snapshot replaces it, clearing the
   * extension's storage removes it: then the next append opens the name again, as each append used
   * to, and never writes to a journal about to be folded and removed.
   */
  private keptOpen(name: string): number | undefined {
    const kept = this.kept;
    if (!kept) {
      return undefined;
    }
    if (kept.name === name) {
      try {
        const now = statSync(join(this.folder, name));
        if (now.ino === kept.ino && now.dev === kept.dev) {
          return kept.fd;
        }
      } catch (error) {
        if (!isMissing(error)) {
          throw error;
        }
      }
    }
    this.forget();
    return undefined;
  }

  private async openToKeep(name: string): Promise<number> {
    const fd = await this.openByName(name, (path) => openDescriptor(path, APPEND_FLAGS));
    try {
      // The file this descriptor writes to, whatever the name points to by now.
      const { dev, ino } = fstatSync(fd);
      this.kept = { name, fd, dev, ino };
    } catch (error) {
      close(fd, () => undefined);
      throw error;
    }
    return fd;
  }

  /** Closes the journal kept open; a later append opens it again. */
  dispose(): void {
    this.forget();
  }

  private forget(): void {
    if (this.kept) {
      close(this.kept.fd, () => undefined);
      this.kept = undefined;
    }
  }

  /** Opened by name each time: a journal another window renamed to fold it is never appended to. */
  private openToAppend(name: string): Promise<FileHandle> {
    return this.openByName(name, (path) => open(path, APPEND_FLAGS));
  }

  private async openByName<T>(name: string, openPath: (path: string) => Promise<T>): Promise<T> {
    if (!this.folderMade) {
      await mkdir(this.folder, { recursive: true });
      this.folderMade = true;
    }
    try {
      return await openPath(join(this.folder, name));
    } catch (error) {
      if (!isMissing(error)) {
        throw error;
      }
      // The folder was removed since (the learner cleared the extension's storage): make it again.
      await mkdir(this.folder, { recursive: true });
      return openPath(join(this.folder, name));
    }
  }

  async replace(name: string, text: string): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    const temporary = join(this.folder, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(text, 'utf8');
      await file.datasync();
    } finally {
      await file.close();
    }
    try {
      await rename(temporary, join(this.folder, name));
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  rename(from: string, to: string): Promise<void> {
    return rename(join(this.folder, from), join(this.folder, to));
  }

  remove(name: string): Promise<void> {
    return rm(join(this.folder, name), { force: true });
  }

  modified(name: string): Promise<number | undefined> {
    return settled(() => statSync(join(this.folder, name)).mtimeMs, undefined);
  }
}

function openDescriptor(path: string, flags: number | string): Promise<number> {
  return new Promise((resolve, reject) => openFile(path, flags, 0o666, (error, fd) => (error ? reject(error) : resolve(fd))));
}

/** Writes all of `data` at the file's end (O_APPEND), however many writes that takes. */
async function writeAll(fd: number, data: Buffer): Promise<void> {
  for (let offset = 0; offset < data.length;) {
    offset += await new Promise<number>((resolve, reject) =>
      write(fd, data, offset, data.length - offset, null, (error, written) => (error ? reject(error) : resolve(written))),
    );
  }
}

function readdirOrNone(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch (error) {
    if (isMissing(error)) {
      return [];
    }
    throw error;
  }
}

/** `read()` run now, as a settled promise: `missing` when the file or folder does not exist. */
function settled<T, M>(read: () => T, missing: M): Promise<T | M> {
  return new Promise<T | M>((resolve) => resolve(read())).catch((error: unknown) => {
    if (isMissing(error)) {
      return missing;
    }
    throw error;
  });
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
