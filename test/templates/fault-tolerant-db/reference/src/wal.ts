// Milestone 1: a write-ahead log: one JSON record per line in a file of a Disk. Records are
// durable once sync() returns; a crash may leave a torn last line, which replay ignores.
import type { Disk } from './disk.ts';

export class Wal<T> {
  readonly #disk: Disk;
  readonly #file: string;

  constructor(disk: Disk, file: string) {
    this.#disk = disk;
    this.#file = file;
  }

  /** Every complete record, in the order appended. A torn or garbled tail (a crash mid-write) ends the log. */
  replay(): T[] {
    const text = this.#disk.read(this.#file) ?? '';
    const records: T[] = [];
    const lines = text.split('\n');
    lines.pop(); // what follows the last newline: nothing, or a line torn by a crash
    for (const line of lines) {
      if (line === '') {
        continue;
      }
      try {
        records.push(JSON.parse(line) as T);
      } catch {
        break;
      }
    }
    return records;
  }

  append(record: T): void {
    this.#disk.append(this.#file, `${JSON.stringify(record)}\n`);
  }

  /** Makes every record appended so far durable. Acknowledge nothing before this returns. */
  sync(): void {
    this.#disk.sync();
  }
}
