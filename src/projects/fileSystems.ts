// vscode.workspace.fs behind the scaffolding core's interfaces: a target rooted at a folder Uri
// (so remote and virtual workspaces work) and the template files shipped with the extension.
import * as vscode from 'vscode';
import type { FileStat, TargetFileSystem, TemplateSource } from '../core/scaffold/plan';
import type { CompiledTemplate } from '../core/scaffold/template';

export function targetFileSystem(root: vscode.Uri): TargetFileSystem {
  const at = (path: string): vscode.Uri => (path === '' ? root : vscode.Uri.joinPath(root, ...path.split('/')));
  return {
    async stat(path: string): Promise<FileStat | undefined> {
      try {
        const stat = await vscode.workspace.fs.stat(at(path));
        const type = stat.type & vscode.FileType.Directory ? 'directory' : stat.type & vscode.FileType.File ? 'file' : 'other';
        return { type, symbolicLink: (stat.type & vscode.FileType.SymbolicLink) !== 0 };
      } catch (error) {
        if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') {
          return undefined;
        }
        throw error;
      }
    },
    createDirectory: (path) => Promise.resolve(vscode.workspace.fs.createDirectory(at(path))),
    writeFile: (path, content) => Promise.resolve(vscode.workspace.fs.writeFile(at(path), content)),
    delete: (path) => Promise.resolve(vscode.workspace.fs.delete(at(path), { recursive: false, useTrash: false })),
  };
}

export function templateSource(extensionUri: vscode.Uri, template: CompiledTemplate): TemplateSource {
  const root = template.root ? vscode.Uri.file(template.root) : vscode.Uri.joinPath(extensionUri, 'curriculum', 'projects', template.project, 'template');
  return { read: (path) => Promise.resolve(vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, ...path.split('/')))) };
}
