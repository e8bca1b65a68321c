// The few system programs the VS Code server's install needs (a C++ toolchain and Python for
// node-gyp): on a Debian-like machine as root they are installed here, without questions;
// elsewhere the run stops with the one command that installs them.
import { execFileSync, spawnSync, type ExecFileSyncOptions } from 'node:child_process';

interface Need {
  readonly command: string;
  readonly debianPackage: string;
}

/** node-gyp builds VS Code's native modules (node-pty, spdlog, the file watcher) with these. */
const BUILD_TOOLS: readonly Need[] = [
  { command: 'python3', debianPackage: 'python3' },
  { command: 'make', debianPackage: 'make' },
  { command: 'g++', debianPackage: 'g++' },
];

function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v "$1" >/dev/null 2>&1`, 'sh', command]).status === 0;
}

function canInstallWithApt(): boolean {
  return process.getuid?.() === 0 && hasCommand('apt-get');
}

/** Installs the Debian packages behind the missing commands, or throws naming the command to run. */
export function ensureCommands(needs: readonly Need[], purpose: string): void {
  const packages = needs.filter((need) => !hasCommand(need.command)).map((need) => need.debianPackage);
  if (packages.length === 0) {
    return;
  }
  const command = `apt-get install -y ${packages.join(' ')}`;
  if (!canInstallWithApt()) {
    throw new Error(
      `${purpose} needs ${packages.join(', ')}, which this machine lacks. Install them ` +
        `("sudo ${command}" on Debian or Ubuntu, your system's packages elsewhere) and run the command again.`,
    );
  }
  console.log(`[system] ${purpose} needs ${packages.join(', ')}: running apt-get update and ${command}`);
  // No stdin and no prompts: this also runs in CI, where nobody answers.
  const options: ExecFileSyncOptions = { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  try {
    execFileSync('apt-get', ['update', '-qq'], options);
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], options);
  } catch (error) {
    throw new Error(`"${command}" failed (its output is above); run it by hand, then run the command again.`, { cause: error });
  }
}

export function ensureBuildTools(): void {
  ensureCommands(BUILD_TOOLS, 'Building the VS Code server');
}
