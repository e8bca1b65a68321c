// Nodes as real processes on 127.0.0.1, started from src/cli/node.ts with the Node running the
// tests. A node that exits before it prints READY fails the test with its stderr, so a
// TODO(milestone N) thrown in your code shows up in the test output.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { recordStderr } from './runs.ts';

export const PROJECT_ROOT = join(import.meta.dirname, '..');
/**
 * A bound, not a race: a node that exits before READY fails at once (below); this only stops one
 * that hangs. Starting Node on TypeScript took over 20 s at a load average of 40 on two cores.
 */
const READY_TIMEOUT_MS = 60_000;

export class NodeProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (null after a signal) once stdout and stderr are drained. */
  readonly exited: Promise<number | null>;
  #stderr = '';
  #running = true;
  #ready: Promise<{ port: number }>;

  constructor(name: string, args: readonly string[]) {
    this.name = name;
    this.child = spawn(process.execPath, [join(PROJECT_ROOT, 'src/cli/node.ts'), ...args], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (text: string) => {
      // The last 8 KB for failure messages; all of it, across restarts, in .runs/ (harness/runs.ts).
      this.#stderr = (this.#stderr + text).slice(-8000);
      recordStderr(name, this.child.pid, text);
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code) => {
        this.#running = false;
        resolve(code);
      });
      this.child.on('error', (error) => {
        this.#stderr += `\ncannot start: ${error.message}`;
        this.#running = false;
        resolve(null);
      });
    });
    this.#ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} printed no READY within ${READY_TIMEOUT_MS} ms:\n${this.#stderr.trim()}`)), READY_TIMEOUT_MS);
      createInterface({ input: this.child.stdout! }).on('line', (line) => {
        if (line.startsWith('READY ')) {
          clearTimeout(timer);
          resolve(JSON.parse(line.slice('READY '.length)) as { port: number });
        }
      });
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (code ${code}) before it was ready:\n${this.#stderr.trim()}`));
      });
    });
    this.#ready.catch(() => {}); // observed by ready()
  }

  get stderr(): string {
    return this.#stderr;
  }

  get running(): boolean {
    return this.#running;
  }

  /** The port it listens on, once it printed READY; rejects with its stderr if it died first. */
  ready(): Promise<{ port: number }> {
    return this.#ready;
  }

  /** Sends the signal (SIGKILL by default: no goodbye, nothing flushed) and waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.#running) {
      this.child.kill(signal);
    }
    await this.exited;
  }
}
