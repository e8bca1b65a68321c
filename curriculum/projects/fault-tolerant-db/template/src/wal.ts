// Milestone 1: a write-ahead log: one JSON record per line in a file of a Disk (src/disk.ts).
// Records are durable once sync() returns; a crash may leave a torn last line.
import type { Disk } from './disk.ts';

/**
 * Rules the tests check:
 * - append(record) adds one record (write it as one JSON line with disk.append); it is not durable
 *   yet. sync() makes every record appended so far durable (disk.sync()): acknowledge nothing to a
 *   client before it returns.
 * - replay() returns every complete record, in order, as a Wal opened on the same file after a
 *   restart sees it. A last line without its "\n" (torn by a crash) is not a record.
 */
export class Wal<T> {
  constructor(disk: Disk, file: string) {
    throw new Error('TODO(milestone 1): a write-ahead log over a Disk file (Wal in src/wal.ts). Read first: "Storage engines and write-ahead logs".');
  }

  replay(): T[] {
    throw new Error('TODO(milestone 1): Wal.replay (src/wal.ts). Read first: "Storage engines and write-ahead logs".');
  }

  append(record: T): void {
    throw new Error('TODO(milestone 1): Wal.append (src/wal.ts). Read first: "Storage engines and write-ahead logs".');
  }

  sync(): void {
    throw new Error('TODO(milestone 1): Wal.sync (src/wal.ts). Read first: "Storage engines and write-ahead logs".');
  }
}
