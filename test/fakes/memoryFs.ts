// An in-memory target file system for scaffolding tests, honest to a real one: parents must exist,
// deleting a non-empty folder fails, symbolic links are reported, and a fault can be injected at
// the Nth write (optionally after writing part of the file, as a full disk would).
import type { FileStat, TargetFileSystem, TemplateSource } from '../../src/core/scaffold/plan';

type Entry = { kind: 'file'; content: Uint8Array } | { kind: 'directory' } | { kind: 'symlink' };

export class MemoryFileSystem implements TargetFileSystem {
  readonly entries = new Map<string, Entry>([['', { kind: 'directory' }]]);
  writes = 0;
  /** 1-based index of the write that fails; 0 for none. */
  failAtWrite = 0;
  /** Whether the failing write leaves a partial file behind. */
  failLeavesPartialFile = false;
  failDeletes = false;
  /** Called after each successful write: lets a test change the tree in the middle of a run. */
  afterWrite: ((path: string, writes: number) => void) | undefined;
  /** Paths written or deleted through a symbolic link, as a real file system would follow it. */
  readonly throughLinks: string[] = [];

  addFile(path: string, content: string | Uint8Array): this {
    this.ensureParents(path);
    this.entries.set(path, { kind: 'file', content: typeof content === 'string' ? new TextEncoder().encode(content) : content });
    return this;
  }

  addDirectory(path: string): this {
    this.ensureParents(`${path}/x`);
    return this;
  }

  addSymlink(path: string): this {
    this.ensureParents(path);
    this.entries.set(path, { kind: 'symlink' });
    return this;
  }

  text(path: string): string | undefined {
    const entry = this.entries.get(path);
    return entry?.kind === 'file' ? new TextDecoder().decode(entry.content) : undefined;
  }

  /** Every entry with its content, to compare before and after. */
  snapshot(): string {
    return JSON.stringify(
      [...this.entries].map(([path, entry]) => [path, entry.kind, entry.kind === 'file' ? Buffer.from(entry.content).toString('base64') : '']).sort(),
    );
  }

  stat(path: string): Promise<FileStat | undefined> {
    const entry = this.entries.get(path);
    if (!entry) {
      return Promise.resolve(undefined);
    }
    return Promise.resolve(entry.kind === 'symlink' ? { type: 'other', symbolicLink: true } : { type: entry.kind, symbolicLink: false });
  }

  createDirectory(path: string): Promise<void> {
    if (this.entries.has(path)) {
      return Promise.reject(new Error(`EEXIST: ${path}`));
    }
    const missing = this.missingParent(path);
    if (missing) {
      return Promise.reject(missing);
    }
    this.entries.set(path, { kind: 'directory' });
    return Promise.resolve();
  }

  /** Replaces a folder and everything in it with a symbolic link (to somewhere outside the target). */
  swapForSymlink(path: string): this {
    for (const key of [...this.entries.keys()]) {
      if (key === path || key.startsWith(`${path}/`)) {
        this.entries.delete(key);
      }
    }
    this.entries.set(path, { kind: 'symlink' });
    return this;
  }

  writeFile(path: string, content: Uint8Array): Promise<void> {
    this.writes++;
    if (this.linkAbove(path)) {
      this.throughLinks.push(`write ${path}`);
      return Promise.resolve();
    }
    const missing = this.missingParent(path);
    if (missing) {
      return Promise.reject(missing);
    }
    if (this.writes === this.failAtWrite) {
      if (this.failLeavesPartialFile) {
        this.entries.set(path, { kind: 'file', content: content.subarray(0, Math.floor(content.length / 2)) });
      }
      return Promise.reject(new Error('ENOSPC: no space left on device'));
    }
    this.entries.set(path, { kind: 'file', content: new Uint8Array(content) });
    this.afterWrite?.(path, this.writes);
    return Promise.resolve();
  }

  delete(path: string): Promise<void> {
    if (this.failDeletes) {
      return Promise.reject(new Error(`EACCES: ${path}`));
    }
    if (this.linkAbove(path)) {
      this.throughLinks.push(`delete ${path}`);
      return Promise.resolve();
    }
    const entry = this.entries.get(path);
    if (!entry) {
      return Promise.reject(new Error(`ENOENT: ${path}`));
    }
    if (entry.kind === 'directory' && [...this.entries.keys()].some((key) => key.startsWith(`${path}/`))) {
      return Promise.reject(new Error(`ENOTEMPTY: ${path}`));
    }
    this.entries.delete(path);
    return Promise.resolve();
  }

  /** Whether a folder on the way to `path` is a symbolic link, which a real file system follows. */
  private linkAbove(path: string): boolean {
    const parts = path.split('/');
    return parts.slice(0, -1).some((_, i) => this.entries.get(parts.slice(0, i + 1).join('/'))?.kind === 'symlink');
  }

  private missingParent(path: string): Error | undefined {
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    return this.entries.get(parent)?.kind === 'directory' ? undefined : new Error(`ENOENT: parent of ${path} is not a folder`);
  }

  private ensureParents(path: string): void {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (!this.entries.has(folder)) {
        this.entries.set(folder, { kind: 'directory' });
      }
    }
  }
}

/** A template's files held in memory. */
export class MemoryTemplateSource implements TemplateSource {
  constructor(private readonly files: Readonly<Record<string, string | Uint8Array>>) {}

  read(path: string): Promise<Uint8Array> {
    const content = this.files[path];
    if (content === undefined) {
      return Promise.reject(new Error(`no template file ${path}`));
    }
    return Promise.resolve(typeof content === 'string' ? new TextEncoder().encode(content) : content);
  }
}
