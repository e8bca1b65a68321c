// The child process of the crash test: opens the store on a journals folder and a file-backed
// globalState, then toggles items forever, printing "begin <id>" before each toggle and
// "ack <id> <done>" once it resolved. The test kills it with SIGKILL at a random moment.
import { writeSync } from 'node:fs';
import { ProgressStore } from '../../src/core/progress/store';
import { JournalFiles } from '../../src/progress/journalFiles';
import { FileMemento } from '../fakes/fileMemento';

const [folder, mementoFile, seedText, itemCount] = process.argv.slice(2);
const items = Array.from({ length: Number(itemCount) }, (_, i) => `item-${i}`);
let seed = Number(seedText) || 1;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

async function main(): Promise<void> {
  const { store } = await ProgressStore.open(new FileMemento(mementoFile), {
    key: 'progress',
    setAsidePrefix: 'aside.',
    knownIds: new Set(items),
    journal: new JournalFiles(folder),
    node: `child${process.pid}`,
  });
  writeSync(1, 'ready\n');
  for (;;) {
    const id = items[Math.floor(random() * items.length)];
    const done = !store.isDone(id);
    writeSync(1, `begin ${id} ${done}\n`);
    await store.setDone(id, done);
    writeSync(1, `ack ${id} ${done}\n`);
  }
}

void main();
