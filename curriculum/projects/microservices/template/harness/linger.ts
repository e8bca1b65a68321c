// Ends a milestone test file that stays open after its tests. A timer, server or socket left open
// by the code under test (a heartbeat never stopped, a refresh timer never cleared, a server never
// closed) would keep the file, and the whole check, running until something killed it, with no
// verdict. Imported by harness/processes.ts, so every milestone test file that starts a service
// (or imports the shop) has it; the record of the failure goes to .runs/ (harness/runs.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { RECORDING, RUN_DIR } from './runs.ts';

/** How long a test file may stay open once its tests are done and its clean-up has begun. */
export const LINGER_MS = 20_000;

if (RECORDING) {
  // Registered before the test file's own `after` (this module is imported first), so it also
  // bounds a clean-up that never ends. Unref'd: a file that closes everything exits at once.
  after(() => {
    setTimeout(() => {
      // Node's list of what keeps the event loop alive; PipeWrap includes this file's own output.
      const open = process.getActiveResourcesInfo().join(', ');
      const message =
        `the tests are done, but ${LINGER_MS / 1000} s later something still keeps this test file running (${open}): ` +
        'stop what you start: clear the heartbeat timer in Registration.stop() and the refresh timer in InstanceSource.close(), ' +
        'and in shutdown() close the server and clear the grace timer once the drain is done ' +
        '(read first: "The application lifecycle and graceful shutdown", "Service discovery").';
      process.stderr.write(`\n${message}\n`);
      try {
        writeFileSync(join(RUN_DIR, 'still-open.txt'), `${message}\n`);
      } catch {
        // No record folder (it is made when the file starts): the message on stderr is enough.
      }
      process.exit(1);
    }, LINGER_MS).unref();
  });
}
