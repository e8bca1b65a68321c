// Given: the node's only way to its disk. Everything a node must keep across a crash goes through
// a Disk; what was written but not yet synced is not durable.
//
// Why a layer at all: a process killed with SIGKILL loses nothing the operating system already
// holds in its page cache, so on a real machine a WAL that never calls fsync survives `kill -9`
// and only loses data when the power fails. With `powerLoss` on (the checks always turn it on),
// writes wait in this process's memory until sync(), so a SIGKILL loses exactly what a power cut
// would: everything since the last sync. sync() then writes them and calls fsync for real.
// With `memory`, the files live in a Map instead of a folder: the simulator (harness/sim.ts) gives
// each simulated node one, and a simulated crash keeps the Map and drops the Disk object, so what
// was not synced is lost there too.
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DiskOptions {
  /** Keep un-synced writes in memory only, so a crash loses them as a power cut would. */
  readonly powerLoss?: boolean;
  /** Keep the files in this Map (name → content) instead of the folder: what survives a simulated crash. */
  readonly memory?: Map<string, string>;
}

export class Disk {
  readonly dir: string;
  readonly #powerLoss: boolean;
  readonly #files: Files;
  #appends = new Map<string, string[]>();
  #replaces = new Map<string, string>();
  #unsynced = new Set<string>();
  #syncs = 0;

  constructor(dir: string, options: DiskOptions = {}) {
    this.dir = dir;
    this.#powerLoss = options.powerLoss ?? false;
    this.#files = options.memory ? memoryFiles(options.memory) : folderFiles(dir);
  }

  /** How many times sync() reached the disk. */
  get syncs(): number {
    return this.#syncs;
  }

  /** The file as this process sees it: what is on disk plus its own writes not synced yet. */
  read(name: string): string | undefined {
    const replaced = this.#replaces.get(name);
    let text = replaced ?? this.#files.read(name);
    const appended = this.#appends.get(name);
    if (appended) {
      text = (text ?? '') + appended.join('');
    }
    return text;
  }

  /** Appends text to the file. Durable after the next sync(), not before. */
  append(name: string, text: string): void {
    if (this.#powerLoss || this.#replaces.has(name)) {
      const pending = this.#appends.get(name) ?? [];
      pending.push(text);
      this.#appends.set(name, pending);
    } else {
      this.#files.append(name, text);
      this.#unsynced.add(name);
    }
  }

  /** Replaces the whole file at the next sync(), atomically: after a crash it is old or new, never a mix. */
  replace(name: string, text: string): void {
    this.#appends.delete(name);
    this.#replaces.set(name, text);
  }

  /** Makes every write so far durable (write, then fsync), in the order they were made. */
  sync(): void {
    for (const [name, text] of this.#replaces) {
      this.#files.replace(name, text);
      this.#unsynced.add('.');
    }
    this.#replaces.clear();
    for (const [name, pending] of this.#appends) {
      this.#files.append(name, pending.join(''));
      this.#unsynced.add(name);
    }
    this.#appends.clear();
    for (const name of this.#unsynced) {
      this.#files.fsync(name);
    }
    this.#unsynced.clear();
    this.#syncs++;
  }

  /** Deletes a file now (a shard that moved away); a crash right after may leave it, never half of it. */
  remove(name: string): void {
    this.#appends.delete(name);
    this.#replaces.delete(name);
    this.#unsynced.delete(name);
    this.#files.remove(name);
  }

  /** File names in the folder, including files written but not synced yet. */
  list(): string[] {
    const names = new Set(this.#files.list());
    for (const name of [...this.#appends.keys(), ...this.#replaces.keys()]) {
      names.add(name);
    }
    return [...names].sort();
  }
}

/** Where a Disk's files really are: a folder, or a Map for the simulator. */
interface Files {
  read(name: string): string | undefined;
  append(name: string, text: string): void;
  /** Atomically: old or new after a crash, never a mix. */
  replace(name: string, text: string): void;
  fsync(name: string): void;
  remove(name: string): void;
  list(): string[];
}

function folderFiles(dir: string): Files {
  mkdirSync(dir, { recursive: true });
  return {
    read: (name) => {
      const path = join(dir, name);
      return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    },
    append: (name, text) => appendFileSync(join(dir, name), text),
    replace: (name, text) => {
      const temporary = join(dir, `${name}.tmp`);
      writeFileSync(temporary, text);
      fsyncPath(temporary);
      renameSync(temporary, join(dir, name));
    },
    fsync: (name) => fsyncPath(join(dir, name)),
    remove: (name) => rmSync(join(dir, name), { force: true }),
    list: () => readdirSync(dir).filter((name) => !name.endsWith('.tmp')),
  };
}

function memoryFiles(files: Map<string, string>): Files {
  return {
    read: (name) => files.get(name),
    append: (name, text) => void files.set(name, (files.get(name) ?? '') + text),
    replace: (name, text) => void files.set(name, text),
    fsync: () => {},
    remove: (name) => void files.delete(name),
    list: () => [...files.keys()],
  };
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
