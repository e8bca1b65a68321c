// Given: the node's only way to its disk. Everything a node must keep across a crash goes through
// a Disk; what was written but not yet synced is not durable.
//
// Why a layer at all: a process killed with SIGKILL loses nothing the operating system already
// holds in its page cache, so on a real machine a WAL that never calls fsync survives `kill -9`
// and only loses data when the power fails. With `powerLoss` on (the checks always turn it on),
// writes wait in this process's memory until sync(), so a SIGKILL loses exactly what a power cut
// would: everything since the last sync. sync() then writes them and calls fsync for real.
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DiskOptions {
  /** Keep un-synced writes in memory only, so a crash loses them as a power cut would. */
  readonly powerLoss?: boolean;
}

export class Disk {
  readonly dir: string;
  readonly #powerLoss: boolean;
  #appends = new Map<string, string[]>();
  #replaces = new Map<string, string>();
  #unsynced = new Set<string>();
  #syncs = 0;

  constructor(dir: string, options: DiskOptions = {}) {
    this.dir = dir;
    this.#powerLoss = options.powerLoss ?? false;
    mkdirSync(dir, { recursive: true });
  }

  /** How many times sync() reached the disk. */
  get syncs(): number {
    return this.#syncs;
  }

  /** The file as this process sees it: what is on disk plus its own writes not synced yet. */
  read(name: string): string | undefined {
    const replaced = this.#replaces.get(name);
    const path = join(this.dir, name);
    let text = replaced ?? (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
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
      appendFileSync(join(this.dir, name), text);
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
      const temporary = join(this.dir, `${name}.tmp`);
      writeFileSync(temporary, text);
      fsyncPath(temporary);
      renameSync(temporary, join(this.dir, name));
      this.#unsynced.add('.');
    }
    this.#replaces.clear();
    for (const [name, pending] of this.#appends) {
      appendFileSync(join(this.dir, name), pending.join(''));
      this.#unsynced.add(name);
    }
    this.#appends.clear();
    for (const name of this.#unsynced) {
      fsyncPath(join(this.dir, name));
    }
    this.#unsynced.clear();
    this.#syncs++;
  }

  /** Deletes a file now (a shard that moved away); a crash right after may leave it, never half of it. */
  remove(name: string): void {
    this.#appends.delete(name);
    this.#replaces.delete(name);
    this.#unsynced.delete(name);
    rmSync(join(this.dir, name), { force: true });
  }

  /** File names in the folder, including files written but not synced yet. */
  list(): string[] {
    const names = new Set(readdirSync(this.dir).filter((name) => !name.endsWith('.tmp')));
    for (const name of [...this.#appends.keys(), ...this.#replaces.keys()]) {
      names.add(name);
    }
    return [...names].sort();
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
