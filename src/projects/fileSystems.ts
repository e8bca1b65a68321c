// vscode.workspace.fs behind the scaffolding core's interfaces: a target rooted at a folder Uri
// (so remote and virtual workspaces work) and the template files shipped with the extension (packed).
import { promisify } from 'node:util';
import { brotliDecompress } from 'node:zlib';
import * as vscode from 'vscode';
import { packedKey, unpackTemplateFiles } from '../core/scaffold/packed';
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

/**
 * A shipped template's files come from dist/template-files.br (core/scaffold/packed.ts), read and
 * unpacked once per scaffold; a template with a `root` (the integration tests' fixtures) from there.
 */
export function templateSource(extensionUri: vscode.Uri, template: CompiledTemplate): TemplateSource {
  if (template.root) {
    const root = vscode.Uri.file(template.root);
    return { read: (path) => Promise.resolve(vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, ...path.split('/')))) };
  }
  let files: Promise<Map<string, Uint8Array>> | undefined;
  return {
    async read(path) {
      files ??= Promise.resolve(vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'dist', 'template-files.br'))).then(async (packed) =>
        unpackTemplateFiles(await decompress(packed)),
      );
      const content = (await files).get(packedKey(template.project, path));
      if (!content) {
        throw new Error(vscode.l10n.t("{0}/{1} is missing from the extension's packed templates. Reinstall the extension.", template.project, path));
      }
      return content;
    },
  };
}

const decompress = promisify(brotliDecompress);
