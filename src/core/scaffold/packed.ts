// The step-6 templates' files as the VSIX ships them: one container (dist/template-files.br,
// compressed whole by the build, so the three templates' shared and similar files cost little),
// read only when a project is scaffolded. The build (esbuild.js `packTemplateFiles`) writes it as
// a 4-byte big-endian header length, a JSON header `[[key, offset, length], …]` with
// `key = "<project>/<path inside template/>"`, then the files' bytes, each exactly as in the repository.

import * as l10n from '@vscode/l10n';
/** The files of every template by `<project>/<path>`, each byte for byte as the template has it. */
export function unpackTemplateFiles(container: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(container.buffer, container.byteOffset, container.byteLength);
  const headerLength = container.byteLength >= 4 ? view.getUint32(0) : Number.NaN;
  if (!(headerLength <= container.byteLength - 4)) {
    throw new Error(l10n.t('The packed template files are damaged: their header is cut off. Reinstall the extension.'));
  }
  const header = JSON.parse(new TextDecoder().decode(container.subarray(4, 4 + headerLength))) as [string, number, number][];
  const body = 4 + headerLength;
  const files = new Map<string, Uint8Array>();
  for (const [key, offset, length] of header) {
    if (body + offset + length > container.byteLength) {
      throw new Error(l10n.t('The packed template files are damaged: {0} is cut off. Reinstall the extension.', key));
    }
    files.set(key, container.subarray(body + offset, body + offset + length));
  }
  return files;
}

export function packedKey(project: string, path: string): string {
  return `${project}/${path}`;
}
