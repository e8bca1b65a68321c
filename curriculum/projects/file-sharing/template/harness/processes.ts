// Trackers, peers and downloaders as real processes on 127.0.0.1, started from src/cli/ with the
// Node running the tests. A process that exits before it is ready fails the test with its stderr,
// so a TODO(milestone N) thrown in your code shows up in the test output.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { recordStderr } from './runs.ts';

export const PROJECT_ROOT = join(import.meta.dirname, '..');
const READY_TIMEOUT_MS = 30_000;

export class NodeProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly lines: string[] = [];
  #stderr = '';
  #lineWaiters: (() => void)[] = [];
  #exitCode: number | null | undefined;

  constructor(name: string, script: string, args: readonly string[]) {
    this.name = name;
    this.child = spawn(process.execPath, [join(PROJECT_ROOT, script), ...args], {
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
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.#wake();
    });
    this.exited = new Promise((resolve) => {
      // 'close' comes after stdout and stderr are drained: every line printed is in `lines`.
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

  /** The first line starting with `prefix` (its rest), waiting for it; rejects if the process exits first. */
  async waitLine(prefix: string, timeoutMs = READY_TIMEOUT_MS, from = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (let seen = from; ; ) {
      for (; seen < this.lines.length; seen++) {
        const line = this.lines[seen] as string;
        if (line.startsWith(prefix)) {
          return line.slice(prefix.length);
        }
      }
      if (!this.running) {
        throw new Error(`${this.name} exited (code ${this.#exitCode}) before printing "${prefix.trim()}":\n${this.#stderr.trim()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`${this.name} printed no "${prefix.trim()}" within ${timeoutMs} ms:\n${this.#stderr.trim()}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.#lineWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends the signal (SIGKILL by default: no goodbye) and waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.running) {
      this.child.kill(signal);
    }
    await this.exited;
  }

  #wake(): void {
    const waiters = this.#lineWaiters;
    this.#lineWaiters = [];
    for (const wake of waiters) {
      wake();
    }
  }
}

export interface TrackerProcess {
  readonly process: NodeProcess;
  readonly port: number;
  readonly address: string;
}

export async function startTrackerProcess(options: { ttlMs: number }): Promise<TrackerProcess> {
  const proc = new NodeProcess('tracker', 'src/cli/tracker.ts', ['--port', '0', '--ttl', String(options.ttlMs)]);
  const ready = JSON.parse(await proc.waitLine('READY ')) as { port: number };
  return { process: proc, port: ready.port, address: `127.0.0.1:${ready.port}` };
}

export interface PeerProcessOptions {
  readonly name: string;
  readonly file: string;
  readonly chunkSize: number;
  /** Chunks this peer holds, as "0-3,7"; all when absent. */
  readonly only?: string;
  /** The address the peer announces (its proxy's). */
  readonly advertise?: string;
  readonly tracker?: string;
  readonly heartbeatMs?: number;
  readonly gossip?: { readonly seeds: readonly string[]; readonly intervalMs: number; readonly ttlMs: number };
}

export interface PeerProcess {
  readonly process: NodeProcess;
  readonly port: number;
  readonly roots: readonly string[];
  /** Its gossip address, when gossip is on. */
  readonly gossip?: string;
}

export async function startPeerProcess(options: PeerProcessOptions): Promise<PeerProcess> {
  const args = ['--port', '0', '--share', options.file, '--chunk-size', String(options.chunkSize)];
  if (options.only !== undefined) {
    args.push('--only', options.only);
  }
  if (options.advertise !== undefined) {
    args.push('--advertise', options.advertise);
  }
  if (options.tracker !== undefined) {
    args.push('--tracker', options.tracker);
  }
  if (options.heartbeatMs !== undefined) {
    args.push('--heartbeat', String(options.heartbeatMs));
  }
  if (options.gossip) {
    args.push('--gossip-port', '0', '--gossip-interval', String(options.gossip.intervalMs), '--gossip-ttl', String(options.gossip.ttlMs));
    if (options.gossip.seeds.length > 0) {
      args.push('--gossip-seeds', options.gossip.seeds.join(','));
    }
  }
  const proc = new NodeProcess(options.name, 'src/cli/peer.ts', args);
  const ready = JSON.parse(await proc.waitLine('READY ')) as { port: number; roots: string[]; gossip?: string };
  return { process: proc, port: ready.port, roots: ready.roots, gossip: ready.gossip };
}

export interface DownloaderProcessOptions {
  readonly root: string;
  readonly out: string;
  readonly tracker?: string;
  readonly requestTimeoutMs?: number;
  readonly rediscoverMs?: number;
  readonly giveUpMs?: number;
}

/** The downloader CLI: prints `EVENT {json}` lines, then `DONE {json}` or exits non-zero. */
export function startDownloaderProcess(name: string, options: DownloaderProcessOptions): NodeProcess {
  const args = ['--root', options.root, '--out', options.out, '--events'];
  if (options.tracker !== undefined) {
    args.push('--tracker', options.tracker);
  }
  if (options.requestTimeoutMs !== undefined) {
    args.push('--request-timeout', String(options.requestTimeoutMs));
  }
  if (options.rediscoverMs !== undefined) {
    args.push('--rediscover', String(options.rediscoverMs));
  }
  if (options.giveUpMs !== undefined) {
    args.push('--give-up', String(options.giveUpMs));
  }
  return new NodeProcess(name, 'src/cli/download.ts', args);
}
