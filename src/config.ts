// The extension's settings, read through one typed wrapper.
import * as vscode from 'vscode';
import { Settings } from './constants';

/** The Node.js executable that runs milestone checks: the setting, or `node` from PATH. */
export function nodeExecutable(): string {
  const configured = vscode.workspace.getConfiguration().get<string>(Settings.nodePath, '').trim();
  return configured.length > 0 ? configured : 'node';
}
