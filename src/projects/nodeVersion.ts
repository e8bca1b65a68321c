// Which Node.js runs the projects' tests (dsRoadmap.nodePath, else node on PATH) and whether it is
// recent enough for a template: checked before scaffolding, so the learner hears of it before the
// first check.
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { nodeExecutable } from '../config';
import { BuiltInCommands, Settings } from '../constants';
import { compareVersions } from '../core/check/outcome';
import type { CompiledTemplate } from '../core/scaffold/template';

/** The version `node --version` prints, run in `cwd`; a clear error when it cannot run. */
export function findNode(node: string, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(node, ['--version'], { cwd, timeout: 15_000 }, (error, stdout) => {
      if (error) {
        reject(
          new Error(
            vscode.l10n.t(
              'Node.js could not be run as "{0}" ({1}). Install Node.js 22.18 or later, or set dsRoadmap.nodePath to its executable.',
              node,
              error.message,
            ),
          ),
        );
      } else {
        resolve(stdout.trim());
      }
    });
  });
}

/**
 * Before scaffolding: says when the Node.js that will run the tests is missing or older than the
 * template needs, with Open Settings (not awaited: scaffolding goes on). Returns what was said.
 * Nothing runs in Restricted Mode, where the check would start a process.
 */
export async function warnAboutNode(template: CompiledTemplate, log: vscode.LogOutputChannel): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) {
    log.info('Not checking the Node.js version before scaffolding: the workspace is not trusted, so no process runs.');
    return undefined;
  }
  const node = nodeExecutable();
  let message: string | undefined;
  try {
    const version = await findNode(node, homedir());
    if (compareVersions(version, template.minNodeVersion) < 0) {
      message = vscode.l10n.t(
        'This project needs Node.js {0} or later to run its tests; "{1}" is Node.js {2}. Install a newer Node.js, or set dsRoadmap.nodePath to one, before you check a milestone.',
        template.minNodeVersion,
        node,
        version,
      );
    }
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  }
  if (message) {
    log.warn(`Before scaffolding ${template.project}: ${message}`);
    const openSettings = vscode.l10n.t('Open Settings');
    void vscode.window.showWarningMessage(message, openSettings).then((choice) => {
      if (choice === openSettings) {
        void vscode.commands.executeCommand(BuiltInCommands.openSettings, Settings.nodePath);
      }
    });
  }
  return message;
}
