// Services as real processes on 127.0.0.1, started with the Node running the tests and an
// environment like the one a container would get. Every stdout line is a JSON log line; the
// harness waits for `listening` and keeps the lines for the tests. A process that exits early
// fails the test with its stderr, so a TODO(milestone N) thrown in your code shows up.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
import { afterEach } from 'node:test';
import './linger.ts';
import { RECORDING, RUN_DIR, recordStderr } from './runs.ts';
import { ENTRY_FILES, type ServiceName } from '../src/config.ts';

export const PROJECT_ROOT = join(import.meta.dirname, '..');
const READY_TIMEOUT_MS = 20_000;

export type LogLine = Readonly<Record<string, unknown>> & { readonly msg?: string };

/** Every process started by this test file, in order: their log lines go to .runs/ when a test fails. */
const started: ServiceProcess[] = [];

/** Writes each process's stdout (its JSON log lines), all processes of one name in one file. */
function recordLogs(): void {
  const byName = new Map<string, string[]>();
  for (const proc of started) {
    const lines = byName.get(proc.name) ?? [];
    lines.push(`--- ${proc.name} (pid ${proc.child.pid ?? '?'}) ---`, ...proc.logs.map((line) => ('notJson' in line ? String(line.notJson) : JSON.stringify(line))));
    byName.set(proc.name, lines);
  }
  for (const [name, lines] of byName) {
    writeFileSync(join(RUN_DIR, `${name.replace(/[^\w.-]/g, '_')}.stdout.log`), `${lines.join('\n')}\n`);
  }
}

if (RECORDING) {
  afterEach((t) => {
    if ((t as { passed?: boolean }).passed === false) {
      recordLogs();
    }
  });
}

export class ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Every stdout line, parsed; a line that is not JSON is kept as {"notJson": line}. */
  readonly logs: LogLine[] = [];
  #stderr = '';
  #waiters: (() => void)[] = [];
  #exitCode: number | null | undefined;

  constructor(name: string, service: ServiceName, env: Readonly<Record<string, string>>) {
    this.name = name;
    started.push(this);
    this.child = spawn(process.execPath, [join(PROJECT_ROOT, ENTRY_FILES[service])], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1', HOST: '127.0.0.1', PORT: '0', INSTANCE_ID: name, ...env },
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (text: string) => {
      // The last 8 KB for failure messages; all of it, across restarts, in .runs/ (harness/runs.ts).
      this.#stderr = (this.#stderr + text).slice(-8000);
      recordStderr(name, this.child.pid, text);
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.logs.push({ notJson: line });
      }
      this.#wake();
    });
    this.exited = new Promise((resolve) => {
      // 'close' comes after stdout and stderr are drained: every line printed is in `logs`.
      this.child.on('close', (code) => {
        this.#exitCode = code;
        setImmediate(() => this.#wake());
        resolve(code);
      });
      this.child.on('error', (error) => {
        this.#stderr += `\ncannot start: ${error.message}`;
        this.#exitCode = null;
        this.#wake();
        resolve(null);
      });
    });
  }

  get stderr(): string {
    return this.#stderr;
  }

  get running(): boolean {
    return this.#exitCode === undefined;
  }

  /** The first log line (from index `from`) that `match` accepts, waiting for it; rejects if the process exits first. */
  async waitLog(what: string, match: (line: LogLine) => boolean, timeoutMs = READY_TIMEOUT_MS, from = 0): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (let seen = from; ; ) {
      for (; seen < this.logs.length; seen++) {
        const line = this.logs[seen] as LogLine;
        if (match(line)) {
          return line;
        }
      }
      if (!this.running) {
        throw new Error(`${this.name} exited (code ${this.#exitCode}) before logging ${what}:\n${this.#stderr.trim()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`${this.name} logged no ${what} within ${timeoutMs} ms:\n${this.#stderr.trim()}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for the `listening` line; returns the port. */
  async listening(): Promise<number> {
    const line = await this.waitLog('"listening" with a port', (l) => l.msg === 'listening' && typeof l.port === 'number');
    return line.port as number;
  }

  /** Sends the signal (SIGKILL by default: no goodbye) and waits for the exit code. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    if (this.running) {
      this.child.kill(signal);
    }
    return this.exited;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) {
      wake();
    }
  }
}
